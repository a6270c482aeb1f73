import Foundation
import Snapshot

/// Reads a dhcpd appliance's failover state live, through OMAPI's `failover-state` object;
/// when the inventory also names a leases file, that file is the fallback.
struct OMAPICollector {
  let entry: ApplianceEntry
  let settings: CollectionSettings
  let deadline: Date

  func collect() async -> ApplianceObservation {
    let started = settings.clock()
    let endpoint = "omapi://" + (entry.omapi ?? "")
    var observation = ApplianceObservation(
      name: entry.name, kind: .dhcpd, site: entry.site, endpoint: endpoint, service: nil,
      askedAt: started, durationMilliseconds: 0)
    do {
      let peer = try await ask()
      observation.failoverPeers = [peer.status]
      observation.exchanges.append(peer.exchange)
    } catch {
      if entry.leases != nil {
        // The file still tells the state as dhcpd last wrote it; the page says why.
        observation = LeasesFileCollector(entry: entry, settings: settings).collect()
        observation.exchanges.insert(
          RawExchange(
            command: "omapi open failover-state",
            httpStatus: nil, body: "\(error.message); the state below is from the leases file",
            truncated: false), at: 0)
      } else {
        observation.failure = error
      }
    }
    observation.askedAt = started
    observation.durationMilliseconds = Int(
      (settings.clock().timeIntervalSince(started) * 1000).rounded())
    return observation
  }

  private func ask() async throws(CollectionFailure) -> (
    status: FailoverPeerStatus, exchange: RawExchange
  ) {
    guard let address = entry.omapi, let (host, port) = Self.split(address) else {
      throw CollectionFailure(.configuration, "omapi must be HOST:PORT")
    }
    guard let peerName = entry.peer else {
      throw CollectionFailure(.configuration, "OMAPI needs 'peer' (the failover peer's name)")
    }
    var key: OMAPIKey?
    if let file = entry.keyFile {
      let text: String
      do {
        text = try String(contentsOfFile: file, encoding: .utf8)
      } catch {
        throw CollectionFailure(.configuration, "cannot read the OMAPI key file \(file)")
      }
      key = try OMAPIKey.parse(text, file: file)
    }
    let client = OMAPIClient(host: host, port: port, key: key, deadline: deadline)
    let answer = try await client.open(type: "failover-state", name: peerName)
    return (Self.status(answer, peer: peerName), Self.evidence(answer, peer: peerName))
  }

  /// The failover-state object's values as the "DHCP Failover State" columns.
  static func status(_ answer: OMAPIMessage, peer: String) -> FailoverPeerStatus {
    func state(_ name: String) -> String? {
      answer.number(name).map { FailoverStateNumbers.name(of: Int($0)) ?? "unknown-state" }
    }
    // stos values are Unix seconds cut to 32 bits.
    func time(_ name: String) -> Date? {
      answer.number(name).flatMap { $0 == 0 ? nil : Date(timeIntervalSince1970: Double($0)) }
    }
    let role = answer.number("hierarchy").map { $0 == 0 ? "primary" : "secondary" }
    var status = FailoverPeerStatus(
      name: answer.text("name") ?? peer, role: role, myState: state("local-state"),
      myStateTime: time("local-stos"), partnerState: state("partner-state"),
      partnerStateTime: time("partner-stos"), mclt: answer.number("mclt").map(Int.init))
    status.maxResponseDelay = answer.number("max-response-delay").map(Int.init)
    status.unackedUpdates = answer.number("cur-unacked-updates").map(Int.init)
    return status
  }

  /// The answer's values, one per line, as evidence; addresses are left out (dhcpd sends a
  /// pointer's bytes there, not an address).
  static func evidence(_ answer: OMAPIMessage, peer: String) -> RawExchange {
    let lines = answer.objectValues.compactMap { name, value -> String? in
      guard !name.hasSuffix("-address") else { return nil }
      if name == "name" { return "name = \"\(String(decoding: value, as: UTF8.self))\"" }
      if (1...4).contains(value.count) {
        return "\(name) = \(value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })"
      }
      return "\(name) = " + value.map { String(format: "%02x", $0) }.joined(separator: ":")
    }
    return RawExchange(
      command: "omapi open failover-state \"\(peer)\"", httpStatus: nil,
      body: lines.joined(separator: "\n"), truncated: false)
  }

  /// `host:port`, `[v6]:port`.
  static func split(_ address: String) -> (String, Int)? {
    guard let colon = address.lastIndex(of: ":"),
      let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
    else { return nil }
    var host = String(address[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return host.isEmpty ? nil : (host, port)
  }
}
