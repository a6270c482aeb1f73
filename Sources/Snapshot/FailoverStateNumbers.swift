/// The states of the DHCP failover protocol by the numbers OMAPI sends for them
/// (`enum failover_state` in dhcpd 4.x; ISC 3.0-era documents list another, wrong order).
public enum FailoverStateNumbers {
  public static let all: [(number: Int, name: String)] = [
    (0, "unknown-state"), (1, "startup"), (2, "normal"), (3, "communications-interrupted"),
    (4, "partner-down"), (5, "potential-conflict"), (6, "recover"), (7, "paused"),
    (8, "shutdown"), (9, "recover-done"), (10, "resolution-interrupted"), (11, "conflict-done"),
    (254, "recover-wait"),
  ]

  /// The state's name, or nil for a number dhcpd does not use.
  public static func name(of number: Int) -> String? {
    all.first { $0.number == number }?.name
  }
}
