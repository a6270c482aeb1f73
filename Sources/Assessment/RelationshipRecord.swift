import Foundation

/// What one run saw of one relationship: enough to draw its history and to say what changed.
public struct RelationshipRecord: Sendable, Equatable {
  public var name: String
  public var at: Date
  public var severity: Severity
  /// The servers' states, as `partner-down/unavailable`.
  public var states: String

  public init(name: String, at: Date, severity: Severity, states: String) {
    self.name = name
    self.at = at
    self.severity = severity
    self.states = states
  }

  init(_ relationship: RelationshipAssessment, at: Date) {
    let states =
      relationship.kind == .kea
      ? relationship.servers.map { $0.state ?? "unknown" }
      : relationship.failoverRows.map { "\($0.myState ?? "unknown")" }
    self.init(
      name: relationship.name, at: at, severity: relationship.severity,
      states: states.joined(separator: "/"))
  }
}

/// One relationship's difference between the previous run and this one.
public struct RelationshipChange: Sendable, Equatable {
  public var name: String
  /// The relationship's id on this page; nil when it is no longer reported.
  public var id: String?
  public var before: RelationshipRecord?
  public var after: RelationshipRecord?
}
