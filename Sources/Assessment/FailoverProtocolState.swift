import Snapshot

/// A state of the DHCP failover protocol, as ISC dhcpd and EdgeConnect report it.
public struct FailoverProtocolState: Sendable, Equatable {
  /// The name dhcpd writes (`communications-interrupted`, `recover-wait`, ...).
  public var name: String
  /// The number OMAPI uses for it (`enum failover_state` in dhcpd 4.x).
  public var omapiNumber: Int
  public var severity: Severity

  /// Every state dhcpd 4.4 knows, with its OMAPI number.
  public static let all: [FailoverProtocolState] = FailoverStateNumbers.all.map { number, name in
    FailoverProtocolState(name: name, omapiNumber: number, severity: severity(of: name))
  }

  /// normal is healthy; a partner-down server serves alone and the conflict states risk
  /// duplicate leases; every other state is a transition or an interruption to watch.
  private static func severity(of name: String) -> Severity {
    switch name {
    case "normal": return .ok
    case "partner-down", "potential-conflict", "resolution-interrupted": return .critical
    case "unknown-state": return .unknown
    default: return .warning
    }
  }

  /// The state called `name`, accepting EdgeConnect's capitalised spellings and `unknown`.
  public static func named(_ name: String?) -> FailoverProtocolState? {
    guard var key = name?.lowercased().replacingOccurrences(of: " ", with: "-") else { return nil }
    if key == "unknown" { key = "unknown-state" }
    if key == "communication-interrupted" { key = "communications-interrupted" }
    return all.first { $0.name == key }
  }
}
