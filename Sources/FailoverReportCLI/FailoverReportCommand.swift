import ArgumentParser
import Foundation
import Job

/// The `failover-report` command and its subcommands.
public struct FailoverReportCommand: AsyncParsableCommand {
  public static let version = Release.version

  public static let configuration = CommandConfiguration(
    commandName: "failover-report",
    abstract:
      "Gathers DHCP failover state (Kea HA, ISC dhcpd, EdgeConnect) into one self-contained, validated HTML status page.",
    discussion:
      "Exit codes: 0 all relationships healthy, 1 warning, 2 critical, 3 the job could not do its work.",
    version: version,
    subcommands: [
      RunCommand.self, DemoCommand.self, RenderCommand.self, ValidateCommand.self,
      TemplateCommand.self, CheckCommand.self, MergeCommand.self,
    ]
  )

  public init() {}

  /// Parses the arguments and runs the chosen subcommand, mapping every outcome onto the
  /// exit codes 0–3 (argument mistakes included, which ArgumentParser would exit 64 for).
  public static func main(arguments: [String]? = nil) async -> Int32 {
    do {
      var command = try parseAsRoot(arguments)
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      return 0
    } catch let exit as ExitCode {
      return exit.rawValue
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        return 0
      }
      FileHandle.standardError.write(
        Data(("failover-report: " + fullMessage(for: error) + "\n").utf8))
      return 3
    }
  }
}
