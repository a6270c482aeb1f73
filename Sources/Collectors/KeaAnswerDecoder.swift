import Foundation
import Snapshot

/// Reads Kea control-API answers into snapshot values.
///
/// A Control Agent wraps every answer in a list, one element per service; a daemon's own
/// socket and HTTP-level errors answer a single object. Both shapes are accepted.
enum KeaAnswerDecoder {
  /// The first answer of a reply, with its `result` code and `text`.
  struct Answer {
    var result: Int
    var text: String?
    var arguments: JSONValue?
    /// Whether the reply was a list, as a Control Agent sends; a daemon's own socket and
    /// HTTP-level errors send one object.
    var isList = false
  }

  static func answer(from data: Data) throws(CollectionFailure) -> Answer {
    let json: JSONValue
    do {
      json = try JSONValue.parse(data)
    } catch {
      throw CollectionFailure(.malformed, "the answer is not JSON (\(describe(data)))")
    }
    let first: JSONValue
    var isList = false
    switch json {
    case .array(let items):
      guard let item = items.first else {
        throw CollectionFailure(.malformed, "the answer is an empty list")
      }
      first = item
      isList = true
    case .object: first = json
    default:
      throw CollectionFailure(.malformed, "the answer is JSON but neither a list nor an object")
    }
    guard case .object = first, let result = first["result"]?.int else {
      throw CollectionFailure(.malformed, "the answer has no numeric 'result'")
    }
    return Answer(
      result: result, text: first["text"]?.string, arguments: first["arguments"], isList: isList)
  }

  /// More relationships than any Kea server has (hub-and-spoke in Kea 2.7 serves a few dozen
  /// branches); an answer listing more is read up to this many.
  static let maximumRelationships = 256

  /// `status-get`'s arguments.
  static func status(_ answer: Answer) -> KeaStatus {
    let arguments = answer.arguments
    var status = KeaStatus(
      result: answer.result, text: answer.text, pid: arguments?["pid"]?.int,
      uptime: arguments?["uptime"]?.int)
    for item in (arguments?["high-availability"]?.array ?? []).prefix(maximumRelationships) {
      let servers = item["ha-servers"]
      status.relationships.append(
        KeaRelationshipStatus(
          mode: item["ha-mode"]?.string, local: servers?["local"].map(local),
          remote: servers?["remote"].map(remote)))
    }
    return status
  }

  static func local(_ json: JSONValue) -> KeaLocalServer {
    KeaLocalServer(
      role: json["role"]?.string, scopes: json["scopes"]?.strings, state: json["state"]?.string,
      serverName: json["server-name"]?.string, systemTime: json["system-time"]?.string)
  }

  static func remote(_ json: JSONValue) -> KeaRemoteServer {
    KeaRemoteServer(
      age: json["age"]?.int, inTouch: json["in-touch"]?.bool,
      lastScopes: json["last-scopes"]?.strings, lastState: json["last-state"]?.string,
      role: json["role"]?.string, serverName: json["server-name"]?.string,
      communicationInterrupted: json["communication-interrupted"]?.bool,
      connectingClients: json["connecting-clients"]?.int,
      unackedClients: json["unacked-clients"]?.int,
      unackedClientsLeft: json["unacked-clients-left"]?.int,
      analyzedPackets: json["analyzed-packets"]?.int, clockSkew: json["clock-skew"]?.int,
      systemTime: json["system-time"]?.string)
  }

  /// The HA part of `config-get`: `Dhcp4`/`Dhcp6` → `hooks-libraries[].parameters.high-availability`.
  static func configuration(_ answer: Answer) -> [KeaHAConfiguration]? {
    guard answer.result == 0, let arguments = answer.arguments else { return nil }
    let daemon = arguments["Dhcp4"] ?? arguments["Dhcp6"]
    var result: [KeaHAConfiguration] = []
    for library in daemon?["hooks-libraries"]?.array ?? [] {
      for ha in library["parameters"]?["high-availability"]?.array ?? [] {
        let peers = (ha["peers"]?.array ?? []).compactMap { peer -> KeaPeer? in
          guard let name = peer["name"]?.string else { return nil }
          return KeaPeer(
            name: name, role: peer["role"]?.string, url: peer["url"]?.string,
            autoFailover: peer["auto-failover"]?.bool)
        }
        result.append(
          KeaHAConfiguration(
            thisServerName: ha["this-server-name"]?.string, mode: ha["mode"]?.string,
            heartbeatDelay: ha["heartbeat-delay"]?.int,
            maxResponseDelay: ha["max-response-delay"]?.int,
            maxAckDelay: ha["max-ack-delay"]?.int,
            maxUnackedClients: ha["max-unacked-clients"]?.int,
            delayedUpdatesLimit: ha["delayed-updates-limit"]?.int, peers: peers))
      }
    }
    return result
  }

  /// Which daemon a `config-get` answer comes from: `dhcp4` or `dhcp6`.
  static func daemonService(_ answer: Answer) -> String? {
    if answer.arguments?["Dhcp4"] != nil { return "dhcp4" }
    if answer.arguments?["Dhcp6"] != nil { return "dhcp6" }
    return nil
  }

  static func heartbeat(_ answer: Answer) -> KeaHeartbeat? {
    guard answer.result == 0, let arguments = answer.arguments else { return nil }
    return KeaHeartbeat(
      state: arguments["state"]?.string, scopes: arguments["scopes"]?.strings,
      dateTime: arguments["date-time"]?.string,
      unsentUpdateCount: arguments["unsent-update-count"]?.int)
  }

  /// A short, safe description of a body that is not JSON, for the one-line reason.
  static func describe(_ data: Data) -> String {
    let prefix = String(decoding: data.prefix(60), as: UTF8.self)
      .unicodeScalars.map { $0.properties.isWhitespace ? " " : String($0) }.joined()
    if prefix.lowercased().contains("<html") || prefix.lowercased().contains("<!doctype") {
      return "it looks like an HTML page"
    }
    return data.isEmpty ? "it is empty" : "\(data.count) bytes starting \"\(prefix.prefix(40))\""
  }
}
