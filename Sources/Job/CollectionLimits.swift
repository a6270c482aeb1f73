/// How long asking may take and how many appliances are asked at once, where the run's
/// caller sets them; what it leaves nil comes from the inventory's defaults.
public struct CollectionLimits: Sendable {
  /// Seconds one appliance may take.
  public var timeoutSeconds: Double?
  /// How many appliances are asked at once.
  public var concurrency: Int?
  /// Seconds the whole collection may take.
  public var deadlineSeconds: Double

  public init(timeoutSeconds: Double? = nil, concurrency: Int? = nil, deadlineSeconds: Double = 60)
  {
    self.timeoutSeconds = timeoutSeconds
    self.concurrency = concurrency
    self.deadlineSeconds = deadlineSeconds
  }
}
