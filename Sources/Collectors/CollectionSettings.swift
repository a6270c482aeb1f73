import Foundation

/// Limits for one run of collection.
public struct CollectionSettings: Sendable {
  /// Seconds one request may take, connect to last byte.
  public var timeout: Double
  /// How many appliances are asked at once.
  public var concurrency: Int
  /// Seconds the whole collection may take; appliances not done by then are marked.
  public var deadline: Double
  /// Largest answer read, in bytes.
  public var maximumResponseBytes: Int
  /// How much of each answer is kept as evidence in the snapshot.
  public var maximumEvidenceBytes: Int
  /// The clock, replaceable so tests can fix "now".
  public var clock: @Sendable () -> Date

  public init(
    timeout: Double = 5, concurrency: Int = 64, deadline: Double = 60,
    maximumResponseBytes: Int = 4 * 1024 * 1024, maximumEvidenceBytes: Int = 64 * 1024,
    clock: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.timeout = timeout
    self.concurrency = concurrency
    self.deadline = deadline
    self.maximumResponseBytes = maximumResponseBytes
    self.maximumEvidenceBytes = maximumEvidenceBytes
    self.clock = clock
  }
}
