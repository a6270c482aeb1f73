import Foundation
import Snapshot

/// What earlier runs saw, rebuilt from archived snapshots: when each server last failed over.
public struct History: Sendable, Equatable {
  /// For each server name, the last time its partner took over from it.
  public var lastFailovers: [String: Date]

  public init(lastFailovers: [String: Date] = [:]) {
    self.lastFailovers = lastFailovers
  }

  /// No history: every "last failover" is unknown.
  public static let empty = History()

  func lastFailover(of server: String) -> Date? { lastFailovers[server] }

  /// Rebuilds history from snapshots in time order (older first, the current run last): a
  /// server "failed over" when its partner is seen entering partner-down, i.e. in partner-down
  /// in one snapshot and not in the one before.
  public static func rebuild(from snapshots: [Snapshot]) -> History {
    var history = History()
    var previouslyDown: Set<String> = []
    for snapshot in snapshots.sorted(by: { $0.collectedAt < $1.collectedAt }) {
      var down: Set<String> = []
      for relationship in Assessor.assess(snapshot).relationships where relationship.kind == .kea {
        let actives = relationship.servers.filter { $0.role != "backup" }
        for server in actives where server.stateSource == "own" && server.state == "partner-down" {
          down.insert(server.name)
          guard !previouslyDown.contains(server.name) else { continue }
          for partner in actives where partner.name != server.name {
            history.lastFailovers[partner.name] = snapshot.collectedAt
          }
        }
      }
      previouslyDown = down
    }
    return history
  }
}
