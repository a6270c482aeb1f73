/// What failover-report knows of each Kea HA state (Kea 2.2 and later).
public enum KeaHAState {
  /// Every state a Kea server can report as `local.state`, plus `unavailable`, which only a
  /// partner reports (it is not a state a server enters).
  public static let all = [
    "load-balancing", "hot-standby", "passive-backup", "backup", "waiting", "syncing", "ready",
    "communication-recovery", "partner-in-maintenance", "in-maintenance", "partner-down",
    "terminated", "unavailable",
  ]

  /// The severity of a server being in `state`.
  public static func severity(of state: String?) -> Severity {
    switch state {
    case "load-balancing", "hot-standby", "passive-backup", "backup": return .ok
    case "waiting", "syncing", "ready", "in-maintenance", "partner-in-maintenance",
      "communication-recovery":
      return .warning
    case "partner-down", "terminated", "unavailable": return .critical
    default: return .unknown
    }
  }

  /// States in which a server answers DHCP clients on behalf of its partner too.
  static let servesPartner: Set<String> = ["partner-down", "partner-in-maintenance"]
}
