import Foundation

/// What `check` says of an inventory: what each appliance will be asked, and what would stop
/// a run from reaching it here (an unset variable, an unreadable password file, TLS settings
/// that cannot work).
public struct InventoryCheck: Sendable {
  /// One line per appliance, in the inventory's order.
  public var lines: [String] = []
  /// Each problem, naming its appliance.
  public var problems: [String] = []

  public init(_ inventory: Inventory, environment: [String: String]) {
    for entry in inventory.appliances {
      var line =
        "- \(entry.name) (\(entry.kind.rawValue)\(entry.site.map { ", site \($0)" } ?? "")): "
      switch entry.kind {
      case .kea:
        let target =
          entry.service.map { "the Control Agent at \(entry.url?.absoluteString ?? "") for \($0)" }
          ?? "the daemon's own HTTP socket at \(entry.url?.absoluteString ?? "")"
        line += "POST status-get, config-get and ha-heartbeat to \(target)"
      case .dhcpd: line += "read the failover peer state from the leases file \(entry.leases ?? "")"
      case .edgeconnect:
        line +=
          "read the DHCP Failover State export \(entry.export ?? entry.url?.absoluteString ?? "")"
      }
      if entry.kind != .dhcpd, let tls = entry.tlsSummary() {
        line += "; " + tls.text
        if tls.problem { problems.append("\(entry.name): \(tls.text)") }
      }
      if let password = entry.password {
        switch password {
        case .environment(let name):
          line += "; basic auth as \(entry.username ?? "(no user)") with the password from $\(name)"
          if environment[name] == nil {
            line += " (NOT SET)"
            problems.append(
              "\(entry.name): the environment variable \(name) named by password-env is not set here; cron and systemd start with an empty environment, so under them use password-file"
            )
          }
        case .file(let path):
          line += "; basic auth as \(entry.username ?? "(no user)") with the password in \(path)"
          if !FileManager.default.isReadableFile(atPath: path) {
            line += " (NOT READABLE)"
            problems.append(
              "\(entry.name): the password file \(path) cannot be read by this user")
          } else if let warning = SecretReader.permissionWarning(for: path) {
            line += " (warning: \(warning))"
          }
        }
      }
      lines.append(line)
    }
  }
}
