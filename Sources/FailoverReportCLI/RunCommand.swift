import ArgumentParser
import Foundation
import Job

/// `failover-report run`: the cron job.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Ask every appliance in the inventory, then publish a validated page into the output folder.")

  @Option(name: .long, help: ArgumentHelp("The YAML inventory.", valueName: "FILE"))
  var inventory: String

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Where index.html, index.html.sha256 and snapshot.json are published.", valueName: "DIR"))
  var output: String

  @OptionGroup var collection: CollectionOptions
  @OptionGroup var options: OutputOptions

  func run() async throws {
    let logger = Logs.logger(verbose: options.verbose)
    let code = await ReportJob(output: output, settings: options.settings, logger: logger)
      .run(
        inventoryPath: inventory, limits: collection.limits,
        environment: ProcessInfo.processInfo.environment)
    throw ExitCode(code)
  }
}
