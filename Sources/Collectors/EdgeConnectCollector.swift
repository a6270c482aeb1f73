import AsyncHTTPClient
import Foundation
import Snapshot

/// Reads an EdgeConnect DHCP failover group over HTTPS.
///
/// No public REST endpoint for the failover *state* is known, so `url` is whatever serves the
/// Orchestrator's "DHCP Failover State" rows as JSON at a site (its path is configurable):
/// an array of rows, or an object holding one, each row with the table's seven fields
/// (`Appliance`, `Failover Group Name`, `My State`, `My State Time`, `Partner State`,
/// `Partner State Time`, `MCLT`, in that spelling or camelCase). The appliance's documented
/// `GET /deployment` (its `dhcpFailover` block) adds role, MCLT and the timers. Both are
/// asked with an API key from the environment or a file.
struct EdgeConnectCollector {
  let client: HTTPClient
  let entry: ApplianceEntry
  let settings: CollectionSettings
  let environment: [String: String]
  let deadline: Date

  static let defaultKeyHeader = "X-Auth-Token"

  func collect() async -> ApplianceObservation {
    let started = settings.clock()
    var observation: ApplianceObservation
    if entry.url == nil {
      observation = FailoverTableCollector(entry: entry, settings: settings).collect()
    } else {
      observation = ApplianceObservation(
        name: entry.name, kind: .edgeconnect, site: entry.site,
        endpoint: entry.url.map(Redaction.endpoint) ?? "", service: nil, askedAt: started,
        durationMilliseconds: 0)
    }
    do {
      let exchange = try makeExchange()
      if let url = entry.url {
        let data = try await exchange.fetch("failover-state", url: url, into: &observation)
        observation.failoverPeers = try Self.rows(from: data, appliance: entry.name)
      }
      if let deployment = entry.deployment, observation.failure == nil {
        let data = try await exchange.fetch("deployment", url: deployment, into: &observation)
        observation.failoverPeers = Self.merge(
          try Self.deployment(from: data), into: observation.failoverPeers ?? [])
      }
    } catch {
      observation.failure = error
    }
    observation.askedAt = started
    observation.durationMilliseconds = Int(
      (settings.clock().timeIntervalSince(started) * 1000).rounded())
    return observation
  }

  private func makeExchange() throws(CollectionFailure) -> HTTPExchange {
    var exchange = HTTPExchange(client: client, settings: settings, deadline: deadline)
    exchange.tls = try entry.tlsConfiguration(for: entry.url ?? entry.deployment)
    if let reference = entry.apiKey {
      do {
        let key = try SecretReader.read(reference, environment: environment)
        exchange.headers = [(entry.apiKeyHeader ?? Self.defaultKeyHeader, key)]
        exchange.secrets = [key]
      } catch {
        throw CollectionFailure(.configuration, error.description)
      }
    }
    return exchange
  }

  /// A field name as the table or an API may spell it: `My State Time`, `myStateTime`,
  /// `my_state_time` all become `mystatetime`.
  static func key(_ name: String) -> String {
    String(name.lowercased().filter { $0.isLetter || $0.isNumber })
  }

  /// The rows of the JSON answer that belong to `appliance` (all rows when none names it).
  static func rows(from data: Data, appliance: String) throws(CollectionFailure)
    -> [FailoverPeerStatus]
  {
    let json: JSONValue
    do {
      json = try JSONValue.parse(data)
    } catch {
      throw CollectionFailure(.malformed, "the failover-state answer is not JSON")
    }
    var list: [JSONValue]
    switch json {
    case .array(let items): list = items
    case .object(let object):
      guard
        let items = object.keys.sorted().lazy.compactMap({ key -> [JSONValue]? in
          if case .array(let items)? = object[key] { return items }
          return nil
        }).first
      else {
        throw CollectionFailure(.malformed, "the failover-state answer holds no list of rows")
      }
      list = items
    default:
      throw CollectionFailure(.malformed, "the failover-state answer holds no list of rows")
    }
    let rows: [[String: JSONValue]] = list.compactMap { item in
      guard case .object(let object) = item else { return nil }
      return Dictionary(
        object.map { (key($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
    guard !rows.isEmpty else {
      throw CollectionFailure(.notConfigured, "the failover-state answer lists no failover group")
    }
    let mine = rows.filter { $0["appliance"]?.string == appliance }
    return (mine.isEmpty ? rows : mine).map { row in
      var peer = FailoverPeerStatus(
        name: row["failovergroupname"]?.string ?? "(unnamed)",
        myState: row["mystate"]?.string.map(FailoverTableCollector.normalizedState),
        myStateTime: row["mystatetime"].flatMap(time),
        partnerState: row["partnerstate"]?.string.map(FailoverTableCollector.normalizedState),
        partnerStateTime: row["partnerstatetime"].flatMap(time),
        mclt: row["mclt"].flatMap(seconds))
      peer.appliance = row["appliance"]?.string.flatMap { $0.isEmpty ? nil : $0 }
      return peer
    }
  }

  /// A time as text (ISO 8601 or the table's `YYYY-MM-DD HH:MM:SS`, UTC) or as Unix time in
  /// seconds or milliseconds.
  static func time(_ value: JSONValue) -> Date? {
    switch value {
    case .string(let text): return FailoverTableCollector.parseTime(text)
    case .number(let number) where number.isFinite && number > 0:
      return Date(timeIntervalSince1970: number > 1e11 ? number / 1000 : number)
    default: return nil
    }
  }

  static func seconds(_ value: JSONValue) -> Int? {
    switch value {
    case .number(let number) where number.isFinite && number >= 0 && number < 1e9:
      return Int(number)
    case .string(let text): return Int(text.prefix { $0.isNumber })
    default: return nil
    }
  }

  /// The `dhcpFailover` block of `GET /deployment`: role, MCLT, timers.
  struct Deployment: Equatable {
    var role: String?
    var mclt: Int?
    var maxResponseDelay: Int?
    var maxUnackedUpdates: Int?
  }

  static func deployment(from data: Data) throws(CollectionFailure) -> Deployment {
    let json: JSONValue
    do {
      json = try JSONValue.parse(data)
    } catch {
      throw CollectionFailure(.malformed, "the deployment answer is not JSON")
    }
    guard case .object(let root) = json,
      let block = root.first(where: { key($0.key) == "dhcpfailover" })?.value,
      case .object(let fields) = block
    else {
      throw CollectionFailure(
        .notConfigured, "the deployment has no dhcpFailover block (is DHCP failover configured?)")
    }
    let values = Dictionary(fields.map { (key($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    return Deployment(
      role: values["role"]?.string?.lowercased(), mclt: values["mclt"].flatMap(seconds),
      maxResponseDelay: values["maxrespdelay"].flatMap(seconds),
      maxUnackedUpdates: values["maxunackupdates"].flatMap(seconds))
  }

  /// The deployment fills in what the state rows do not say.
  static func merge(_ deployment: Deployment, into rows: [FailoverPeerStatus])
    -> [FailoverPeerStatus]
  {
    rows.map { row in
      var row = row
      row.role = row.role ?? deployment.role
      row.mclt = row.mclt ?? deployment.mclt
      row.maxResponseDelay = row.maxResponseDelay ?? deployment.maxResponseDelay
      return row
    }
  }
}
