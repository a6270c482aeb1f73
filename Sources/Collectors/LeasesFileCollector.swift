import Foundation
import Snapshot

/// Reads a dhcpd appliance through its leases file.
struct LeasesFileCollector {
  let entry: ApplianceEntry
  let settings: CollectionSettings

  func collect() -> ApplianceObservation {
    let started = settings.clock()
    let path = entry.leases ?? ""
    var observation = ApplianceObservation(
      name: entry.name, kind: .dhcpd, site: entry.site, endpoint: "file://" + path, service: nil,
      askedAt: started, durationMilliseconds: 0)
    do {
      let result = try LeasesFileReader.read(path: path)
      let peers = result.peers.filter { peer in entry.peer.map { $0 == peer.name } ?? true }
      observation.failoverPeers = peers
      if result.peers.isEmpty && result.tornTail {
        observation.failure = CollectionFailure(
          .malformed,
          "the leases file ends inside a failover stanza and holds no whole one (was it being written, or cut short?)"
        )
      } else if peers.isEmpty {
        observation.failure = CollectionFailure(
          .notConfigured,
          entry.peer.map { "the leases file holds no state for the failover peer \"\($0)\"" }
            ?? "the leases file holds no failover peer state (is failover configured?)")
      }
      if result.tornTail {
        observation.exchanges.append(
          RawExchange(
            command: "leases-file", httpStatus: nil,
            body: "the file ended inside a stanza (it was being written); that stanza was ignored",
            truncated: true))
      }
    } catch let failure as CollectionFailure {
      observation.failure = failure
    } catch {
      observation.failure = CollectionFailure(
        .configuration, "cannot read the leases file \(path): \(error.localizedDescription)")
    }
    observation.durationMilliseconds = Int(
      (settings.clock().timeIntervalSince(started) * 1000).rounded())
    return observation
  }
}
