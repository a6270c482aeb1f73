import Collectors
import Foundation
import Logging
import Publishing
import Snapshot

extension ReportJob {
  /// Runs one job per regional inventory, each publishing into OUTPUT/regions/NAME (with no
  /// archive, email, metrics or share of its own: those belong to the merged page), then
  /// merges their snapshots into this job's output; returns the merge's exit code.
  public func publishRegions(
    _ inventories: [(name: String, path: String)], limits: CollectionLimits,
    environment: [String: String]
  ) async -> Int32 {
    var regional = settings
    regional.archive = nil
    regional.keepDays = nil
    regional.email = nil
    regional.mailTo = []
    regional.metrics = nil
    regional.json = nil
    regional.share = nil
    regional.shareKey = nil
    var sources: [RegionSource] = []
    for (name, path) in inventories {
      let folder = output + "/regions/" + name
      var job = ReportJob(
        output: folder, settings: regional, logger: logger, printsStatusLine: false)
      job.say = say
      _ = await job.run(inventoryPath: path, limits: limits, environment: environment)
      sources.append(RegionSource(name: name, path: folder))
    }
    return merge(sources, maximumAge: nil, started: Date())
  }

  /// Reads the regions' snapshots, merges them and publishes; returns the exit code. `demo
  /// --regions` ends here too. With `checksClock`, a merge whose newest regional snapshot is
  /// older, by `started`, than any region's maximum age says so in its status line and exits
  /// at least 1.
  public func merge(
    _ sources: [RegionSource], maximumAge: Int?, started: Date, checksClock: Bool = true
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
        maximumAgeSeconds: maximumAge, generator: Release.generator
      )
      .merge(
        Array(zip(sources, reads)), previous: previous, fallbackNow: Timestamp.wholeSeconds(started)
      )
    } catch {
      say("FAILOVER UNKNOWN - \(error)")
      logger.error("\(error)")
      return ExitStatus.unknown.rawValue
    }
    for report in merged.regions ?? [] where report.status == .stale {
      logger.warning(
        "a region is stale",
        metadata: ["region": "\(report.name)", "reason": "\(report.problem ?? "")"])
    }
    var job = self
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
