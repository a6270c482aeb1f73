import Snapshot

/// A follow-up question one appliance left unanswered although it answered the main one (a
/// Kea server's `config-get` or `ha-heartbeat` after its `status-get`), and why.
public struct UnansweredQuestion: Sendable, Equatable {
  /// The inventory name of the appliance asked.
  public var appliance: String
  public var command: String
  public var failure: CollectionFailure

  public init(appliance: String, command: String, failure: CollectionFailure) {
    self.appliance = appliance
    self.command = command
    self.failure = failure
  }
}
