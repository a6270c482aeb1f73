import ArgumentParser
import Collectors
import Foundation
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
      Self.merge(
        sources, output: output, maximumAge: maxAge?.whole, options: options, logger: logger,
        started: Date(), checksClock: !noClockCheck))
  }

  /// Reads, merges and publishes; returns the exit code. `demo --regions` ends here too.
  /// With `checksClock`, a merge whose newest regional snapshot is older, by `started`, than
  /// any region's maximum age says so in its status line and exits at least 1.
  static func merge(
    _ sources: [RegionSource], output: String, maximumAge: Int?, options: OutputOptions,
    logger: Logger, started: Date, checksClock: Bool = true
  ) -> Int32 {
    let reads = Self.readAll(sources)
    for (source, read) in zip(sources, reads) {
      if case .unusable(let reason) = read {
        logger.warning(
          "a region's snapshot cannot be used",
          metadata: ["region": "\(source.name)", "reason": "\(reason)"])
      }
    }
    let previous = Self.previousMerge(
      in: output, withAppliances: !reads.allSatisfy(\.isUsable), logger: logger)
    let merged: Snapshot
    do {
      merged = try SnapshotMerger(
        maximumAgeSeconds: maximumAge, generator: FailoverReportCommand.generator
      )
      .merge(
        Array(zip(sources, reads)), previous: previous, fallbackNow: Timestamp.wholeSeconds(started)
      )
    } catch {
      print("FAILOVER UNKNOWN - \(error)")
      logger.error("\(error)")
      return ExitStatus.unknown.rawValue
    }
    for report in merged.regions ?? [] where report.status == .stale {
      logger.warning(
        "a region is stale",
        metadata: ["region": "\(report.name)", "reason": "\(report.problem ?? "")"])
    }
    var job = ReportJob(output: output, options: options, logger: logger)
    if checksClock, reads.contains(where: \.isUsable), let regions = merged.regions {
      job.silence = SilentRegions.check(
        newest: merged.collectedAt,
        limitSeconds: regions.map(\.maximumAgeSeconds).max()
          ?? SnapshotMerger.defaultMaximumAgeSeconds,
        clock: started)
    }
    return job.publish(merged, durationSeconds: Date().timeIntervalSince(started))
  }

  /// Every region's snapshot, read and decoded on all cores: at 20 regions of 2,500 servers
  /// decoding is most of the merge.
  static func readAll(_ sources: [RegionSource]) -> [RegionRead] {
    final class Results: @unchecked Sendable {
      var reads: [RegionRead?]
      let lock = NSLock()
      init(_ count: Int) { reads = Array(repeating: nil, count: count) }
    }
    let results = Results(sources.count)
    DispatchQueue.concurrentPerform(iterations: sources.count) { index in
      let read = RegionRead.read(sources[index])
      results.lock.withLock { results.reads[index] = read }
    }
    return results.reads.map { $0 ?? .unusable("not read") }
  }

  /// The merged snapshot published last time: each region's last good data and interval.
  /// A one-run snapshot there (the folder was a regional run's) holds neither and is ignored.
  /// Its appliances are only the last good data of regions that have none now: without
  /// `withAppliances` they are skipped, not decoded (at 50,000 servers, decoding them on one
  /// core took longer than the rest of the merge).
  static func previousMerge(in output: String, withAppliances: Bool, logger: Logger) -> Snapshot? {
    let path = output + "/snapshot.json"
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
      let bytes = Array(data)
      let snapshot = try Snapshot.decoded(
        fromJSON: withAppliances ? bytes : try Snapshot.outline(of: bytes))
      return snapshot.regions == nil ? nil : snapshot
    } catch {
      logger.warning(
        "the previous merged snapshot cannot be read; regions without a usable snapshot show nothing",
        metadata: ["file": "\(path)", "reason": "\(DecodingErrorText.describe(error))"])
      return nil
    }
  }
}
