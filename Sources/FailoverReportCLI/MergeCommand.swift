import ArgumentParser
import Collectors
import Foundation
import Job
import Logging
import Publishing
import Snapshot

/// `failover-report merge`: one page for many regions, from the snapshots their own runs
/// published. Nothing is asked again; a region that stopped reporting is shown as such.
struct MergeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Publish one page from the snapshots of several regional runs.",
    discussion: """
      Each --region names a regional run's snapshot.json, or the output folder it publishes \
      into. A snapshot.json.sha256 beside it is checked. A region whose snapshot is missing, \
      damaged, from an incompatible version or older than its maximum age is shown as its own \
      problem, with its last good relationships (from the previous merged page in --output) \
      marked as not current. The same snapshots always give the same page.
      """)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "A region: its name on the page, and its snapshot.json or published folder (repeat for each region).",
      valueName: "NAME=PATH"))
  var region: [String] = []

  @Option(name: .long, help: ArgumentHelp("Where the page is published.", valueName: "DIR"))
  var output: String

  @Option(
    name: .long,
    help: ArgumentHelp(
      "How much older than the newest a region's snapshot may be before it is stale, as 900 or 15 min (default: 3 times the region's usual interval, else 15 min).",
      valueName: "TIME"))
  var maxAge: Seconds?

  @Flag(
    name: .long,
    help: ArgumentHelp(
      "Do not compare the newest snapshot with this machine's clock: for merging archived snapshots after the fact."
    ))
  var noClockCheck = false

  @OptionGroup var options: OutputOptions

  func validate() throws {
    if region.isEmpty { throw ValidationError("give at least one --region NAME=PATH") }
    if let maxAge, !(1...31_536_000).contains(maxAge.whole) {
      throw ValidationError("--max-age must be from 1 s to a year")
    }
  }

  func run() async throws {
    let logger = Logs.logger(verbose: options.verbose)
    let sources: [RegionSource]
    do {
      sources = try region.map { argument throws(MergeError) in
        try RegionSource(argument: argument)
      }
    } catch {
      print("FAILOVER UNKNOWN - \(error)")
      throw ExitCode(3)
    }
    throw ExitCode(
      ReportJob(output: output, settings: options.settings, logger: logger)
        .merge(
          sources, maximumAge: maxAge?.whole, started: Date(), checksClock: !noClockCheck))
  }
}
