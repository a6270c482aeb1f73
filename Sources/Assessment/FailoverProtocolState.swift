/// A state of the DHCP failover protocol, as ISC dhcpd and EdgeConnect report it.
public struct FailoverProtocolState: Sendable, Equatable {
  /// The name dhcpd writes (`communications-interrupted`, `recover-wait`, ...).
  public var name: String
  /// The number OMAPI uses for it (`enum failover_state` in dhcpd 4.x).
  public var omapiNumber: Int
  public var severity: Severity

  /// Every state dhcpd 4.4 knows, with its OMAPI number. (ISC 3.0-era documents list another,
  /// wrong order.)
  public static let all: [FailoverProtocolState] = [
    .init(name: "unknown-state", omapiNumber: 0, severity: .unknown),
    .init(name: "startup", omapiNumber: 1, severity: .warning),
    .init(name: "normal", omapiNumber: 2, severity: .ok),
    .init(name: "communications-interrupted", omapiNumber: 3, severity: .warning),
    .init(name: "partner-down", omapiNumber: 4, severity: .critical),
    .init(name: "potential-conflict", omapiNumber: 5, severity: .critical),
    .init(name: "recover", omapiNumber: 6, severity: .warning),
    .init(name: "paused", omapiNumber: 7, severity: .warning),
    .init(name: "shutdown", omapiNumber: 8, severity: .warning),
    .init(name: "recover-done", omapiNumber: 9, severity: .warning),
    .init(name: "resolution-interrupted", omapiNumber: 10, severity: .critical),
    .init(name: "conflict-done", omapiNumber: 11, severity: .warning),
    .init(name: "recover-wait", omapiNumber: 254, severity: .warning),
  ]

  /// The state called `name`, accepting EdgeConnect's capitalised spellings and `unknown`.
  public static func named(_ name: String?) -> FailoverProtocolState? {
    guard var key = name?.lowercased().replacingOccurrences(of: " ", with: "-") else { return nil }
    if key == "unknown" { key = "unknown-state" }
    if key == "communication-interrupted" { key = "communications-interrupted" }
    return all.first { $0.name == key }
  }
}
