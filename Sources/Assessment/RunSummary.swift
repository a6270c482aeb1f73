import Foundation

/// What one run saw, in the few facts history needs: each relationship's severity and states,
/// which servers were in partner-down, and each server's last failover as known after this
/// run. The archive keeps one beside every run, so history is rebuilt without assessing old
/// snapshots again.
public struct RunSummary: Sendable, Equatable {
  /// When the run took its snapshot.
  public var at: Date
  /// Each relationship's record, by id, in the run's order.
  public var relationships: [(id: String, record: RelationshipRecord)]
  /// The active servers that reported partner-down themselves.
  public var partnerDown: Set<String>
  /// For each server, the last time its partner took over from it, as known after this run.
  public var lastFailovers: [String: Date]
  /// For each relationship an acknowledgement or maintenance window bore on, by id: how
  /// (`Handling.Kind`'s raw value), so a later run knows whether that changed.
  public var handled: [String: String]

  public init(
    at: Date, relationships: [(id: String, record: RelationshipRecord)],
    partnerDown: Set<String>, lastFailovers: [String: Date], handled: [String: String] = [:]
  ) {
    self.at = at
    self.relationships = relationships
    self.partnerDown = partnerDown
    self.lastFailovers = lastFailovers
    self.handled = handled
  }

  public static func == (lhs: RunSummary, rhs: RunSummary) -> Bool {
    lhs.at == rhs.at && lhs.partnerDown == rhs.partnerDown
      && lhs.lastFailovers == rhs.lastFailovers && lhs.handled == rhs.handled
      && lhs.relationships.map(\.id) == rhs.relationships.map(\.id)
      && lhs.relationships.map(\.record) == rhs.relationships.map(\.record)
  }
}
