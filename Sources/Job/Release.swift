/// Which failover-report made a page or a snapshot.
public enum Release {
  public static let version = "0.1.0"

  /// What snapshots and pages record as their generator.
  public static let generator = "failover-report \(version)"
}
