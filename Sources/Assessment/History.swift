import Foundation
import Snapshot

/// What earlier runs saw, rebuilt from archived snapshots: when each server last failed over,
/// and each relationship's severity and states run by run.
public struct History: Sendable, Equatable {
  /// For each server name, the last time its partner took over from it.
  public var lastFailovers: [String: Date]
  /// For each relationship id, what each run saw of it, oldest first.
  public var records: [String: [RelationshipRecord]]
  /// When each run took its snapshot, oldest first.
  public var runs: [Date]

  public init(
    lastFailovers: [String: Date] = [:], records: [String: [RelationshipRecord]] = [:],
    runs: [Date] = []
  ) {
    self.lastFailovers = lastFailovers
    self.records = records
    self.runs = runs
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
      let relationships = Assessor.assess(snapshot).relationships
      history.runs.append(snapshot.collectedAt)
      for relationship in relationships {
        history.records[relationship.id, default: []].append(
          RelationshipRecord(relationship, at: snapshot.collectedAt))
      }
      for relationship in relationships where relationship.kind == .kea {
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
