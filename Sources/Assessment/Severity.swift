/// How bad something is, in the order an operator must look at it.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
  case ok
  /// Not known: the data to judge it is missing.
  case unknown
  case warning
  case critical

  /// Higher is worse.
  public var rank: Int {
    switch self {
    case .ok: return 0
    case .unknown: return 1
    case .warning: return 2
    case .critical: return 3
    }
  }

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

  /// The worst of several; `ok` for none.
  public static func worst<S: Sequence>(_ values: S) -> Severity where S.Element == Severity {
    values.max() ?? .ok
  }
}
