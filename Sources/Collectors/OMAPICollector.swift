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
    guard let address = entry.omapi, let endpoint = OMAPIEndpoint(address) else {
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
    let client = OMAPIClient(host: endpoint.host, port: endpoint.port, key: key, deadline: deadline)
    let answer = try await client.open(type: "failover-state", name: peerName)
    return (answer.failoverPeerStatus(peer: peerName), answer.failoverStateEvidence(peer: peerName))
  }
}
