import ArgumentParser
import Collectors
import Foundation

/// `failover-report check`: parses the inventory and says what each appliance will be asked.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Parse the inventory and explain what each appliance will be asked.")

  @Option(name: .long, help: ArgumentHelp("The YAML inventory.", valueName: "FILE"))
  var inventory: String

  func run() throws {
    let parsed: Inventory
    do {
      parsed = try Inventory.load(path: inventory)
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      throw ExitCode(3)
    }
    let environment = ProcessInfo.processInfo.environment
    print(
      "\(inventory): \(parsed.appliances.count) appliances; timeout \(parsed.defaults.timeout) s, concurrency \(parsed.defaults.concurrency)"
    )
    print("judging thresholds\(parsed.judging.isDefault ? " (all defaults)" : ""):")
    for line in parsed.judging.lines { print("  \(line)") }
    // Why the check exits 3, said on stderr where cron and a terminal both show it.
    var problems: [String] = []
    for entry in parsed.appliances {
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
      print(line)
    }
    for problem in problems {
      FileHandle.standardError.write(Data("\(inventory): \(problem)\n".utf8))
    }
    if !problems.isEmpty {
      FileHandle.standardError.write(
        Data(
          "check: \(problems.count == 1 ? "1 problem" : "\(problems.count) problems") found; a run now would not reach the appliances named above (exit 3)\n"
            .utf8))
    }
    throw ExitCode(problems.isEmpty ? 0 : 3)
  }
}
