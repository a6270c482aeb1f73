import ArgumentParser
import Foundation
import Job
import Snapshot

/// `failover-report render`: turns a saved snapshot back into its page, byte for byte.
struct RenderCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Publish the page of a saved snapshot.json (the same bytes as the run that made it).")

  @Option(
    name: .long, help: ArgumentHelp("A snapshot.json written by run or demo.", valueName: "FILE"))
  var snapshot: String

  @Option(name: .long, help: ArgumentHelp("Where the page is published.", valueName: "DIR"))
  var output: String

  @OptionGroup var options: OutputOptions

  func run() async throws {
    let logger = Logs.logger(verbose: options.verbose)
    let decoded: Snapshot
    guard FileManager.default.fileExists(atPath: snapshot) else {
      print(
        "FAILOVER UNKNOWN - there is no snapshot at \(snapshot): give the snapshot.json that a run published"
      )
      throw ExitCode(3)
    }
    do {
      decoded = try Snapshot.decoded(
        fromJSON: Array(Data(contentsOf: URL(fileURLWithPath: snapshot))))
    } catch {
      print(
        "FAILOVER UNKNOWN - cannot read the snapshot \(snapshot): \(DecodingErrorText.describe(error))"
      )
      throw ExitCode(3)
    }
    let code = ReportJob(output: output, settings: options.settings, logger: logger)
      .publish(decoded, durationSeconds: Double(decoded.durationMilliseconds) / 1000)
    throw ExitCode(code)
  }
}
