/// A question an appliance did not answer usably after it answered the one that counts
/// (Kea's `config-get` or `ha-heartbeat` after `status-get`), and why. The observation still
/// stands; what this command would have told is missing from it, and the page says so.
public struct UnansweredCommand: Codable, Sendable, Equatable {
  /// The command asked (`config-get`, `ha-heartbeat`).
  public var command: String
  public var failure: CollectionFailure

  public init(command: String, failure: CollectionFailure) {
    self.command = command
    self.failure = failure
  }
}
