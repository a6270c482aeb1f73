import Foundation
import Snapshot

/// What earlier runs saw, rebuilt from their summaries: when each server last failed over, and
/// each relationship's severity and states run by run.
public struct History: Sendable, Equatable {
  /// For each server name, the last time its partner took over from it, as known after the
  /// newest run.
  public var lastFailovers: [String: Date]
  /// The servers the newest run saw in partner-down: a server in partner-down now that is not
  /// in this set has just taken over.
  public var partnerDown: Set<String>
  /// For each relationship id, what each run saw of it, oldest first.
  public var records: [String: [RelationshipRecord]]
  /// When each run took its snapshot, oldest first.
  public var runs: [Date]
  /// How acknowledgements and maintenance windows bore on each relationship in the newest
  /// run, by id.
  public var handled: [String: String] = [:]
  /// Whether the runs come from an archive (even one with no runs yet): then a takeover seen
  /// by the archive's first run is dated by that run, the earliest time anything saw it.
  public var archived: Bool

  public init(
    lastFailovers: [String: Date] = [:], partnerDown: Set<String> = [],
    records: [String: [RelationshipRecord]] = [:], runs: [Date] = [], archived: Bool = false
  ) {
    self.lastFailovers = lastFailovers
    self.partnerDown = partnerDown
    self.records = records
    self.runs = runs
    self.archived = archived
  }

  /// No history: every "last failover" is unknown.
  public static let empty = History()

  /// This history with one more run, which must be newer than every run in it.
  public mutating func append(_ summary: RunSummary) {
    runs.append(summary.at)
    for (id, record) in summary.relationships { records[id, default: []].append(record) }
    partnerDown = summary.partnerDown
    lastFailovers = summary.lastFailovers
    handled = summary.handled
  }

  /// History by assessing snapshots in time order, each with the history of those before it:
  /// what the archive's summaries hold, made the slow way (for archives from before them, and
  /// as the reference the summaries are tested against).
  public static func rebuild(from snapshots: [Snapshot]) -> History {
    var history = History(archived: true)
    for snapshot in snapshots.sorted(by: { $0.collectedAt < $1.collectedAt }) {
      history.append(Assessor.assess(snapshot, history: history).runSummary)
    }
    return history
  }
}
