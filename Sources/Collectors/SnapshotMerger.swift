import Crypto
import Foundation
import Snapshot

/// Joins regional snapshots into one merged snapshot, the input of one page for many sites.
///
/// A pure function of what it is given: the regions' snapshots (or why each could not be
/// used) and the previous merged snapshot, which holds each region's last good data and
/// usual interval. "Now" is the newest regional snapshot's collection time, never the clock,
/// so the same snapshots merge into the same bytes.
public struct SnapshotMerger: Sendable {
  /// `--max-age`: how old a region's snapshot may be; nil for the default per region.
  public var maximumAgeSeconds: Int?
  public var generator: String

  /// The maximum age of a region whose usual interval is not known yet.
  public static let defaultMaximumAgeSeconds = 900
  /// A region is stale after this many of its usual intervals without a new snapshot.
  public static let intervalsBeforeStale = 3
  /// How many of the last intervals set a region's usual one (their median).
  public static let intervalsKept = 5

  public init(maximumAgeSeconds: Int? = nil, generator: String) {
    self.maximumAgeSeconds = maximumAgeSeconds
    self.generator = generator
  }

  /// - Parameters:
  ///   - regions: each region, in command-line order, with what reading it gave.
  ///   - previous: the merged snapshot published last time, if any.
  ///   - fallbackNow: the time of the merged snapshot when no region has any data at all.
  public func merge(
    _ regions: [(source: RegionSource, read: RegionRead)], previous: Snapshot?,
    fallbackNow: Date
  ) throws(MergeError) -> Snapshot {
    var names: Set<String> = []
    for (source, _) in regions where !names.insert(source.name).inserted {
      throw .duplicateRegion(source.name)
    }
    // An appliance polled by two regions would be shown twice, with two verdicts.
    var owner: [String: (region: String, file: String)] = [:]
    for (source, read) in regions {
      guard case .snapshot(let snapshot, _) = read else { continue }
      for appliance in snapshot.appliances {
        if let first = owner[appliance.name] {
          throw .duplicateAppliance(
            appliance.name, first.region, first.file, source.name, source.snapshotPath)
        }
        owner[appliance.name] = (source.name, source.snapshotPath)
      }
    }
    let now =
      regions.compactMap { region -> Date? in
        guard case .snapshot(let snapshot, _) = region.read else { return nil }
        return snapshot.collectedAt
      }.max() ?? previous?.collectedAt ?? fallbackNow
    var reports: [RegionReport] = []
    var appliances: [ApplianceObservation] = []
    var duration = 0
    for (source, read) in regions {
      let before = previous?.regions?.first { $0.name == source.name }
      switch read {
      case .snapshot(let snapshot, let digest):
        var intervals = before?.intervalsSeconds ?? []
        // Only two fresh snapshots in a row measure the interval: after a gap the difference
        // is the outage, not the schedule.
        if let before, before.status == .fresh, let last = before.collectedAt,
          snapshot.collectedAt > last
        {
          intervals = Array(
            (intervals + [Int(snapshot.collectedAt.timeIntervalSince(last))]).suffix(
              Self.intervalsKept))
        }
        let (limit, why) = maximumAge(intervals: intervals)
        let age = Int(now.timeIntervalSince(snapshot.collectedAt))
        let stale = age > limit
        reports.append(
          RegionReport(
            name: source.name, source: source.path, status: stale ? .stale : .fresh,
            problem: stale
              ? "its snapshot is \(ElapsedText.of(age)) older than the newest region's, more than its maximum age of \(ElapsedText.of(limit)) (\(why)): its regional run has stopped or cannot publish"
              : nil,
            collectedAt: snapshot.collectedAt, generator: snapshot.generator,
            snapshotDigest: digest, maximumAgeSeconds: limit, intervalsSeconds: intervals))
        reports[reports.count - 1].judging = snapshot.judging
        duration = max(duration, snapshot.durationMilliseconds)
        appliances += snapshot.appliances.map { appliance in
          var appliance = appliance
          appliance.region = source.name
          return appliance
        }
      case .unusable(let reason):
        let intervals = before?.intervalsSeconds ?? []
        let limit = maximumAge(intervals: intervals).seconds
        // The last good data of the region, unless an appliance of it is now polled by
        // another region (it moved).
        let lastGood = (previous?.appliances ?? []).filter {
          $0.region == source.name && owner[$0.name] == nil
        }
        let shown = before?.collectedAt.flatMap { lastGood.isEmpty ? nil : $0 }
        reports.append(
          RegionReport(
            name: source.name, source: source.path, status: .unusable,
            problem: reason
              + (shown.map { "; shown instead: its last good snapshot, of \(Timestamp.iso($0))" }
                ?? ""),
            collectedAt: shown, generator: shown == nil ? nil : before?.generator,
            snapshotDigest: shown == nil ? nil : before?.snapshotDigest, maximumAgeSeconds: limit,
            intervalsSeconds: intervals))
        if shown != nil {
          appliances += lastGood
          reports[reports.count - 1].judging = before?.judging
        }
      }
    }
    let inputs = reports.map { "\($0.name) \($0.snapshotDigest ?? "-")\n" }.joined()
    return Snapshot(
      generator: generator, collectedAt: now, durationMilliseconds: duration,
      inventoryDigest: Hexadecimal.of(SHA256.hash(data: Array(inputs.utf8))),
      appliances: appliances, regions: reports)
  }

  /// The region's maximum age and where it comes from, in words for the page.
  func maximumAge(intervals: [Int]) -> (seconds: Int, why: String) {
    if let maximumAgeSeconds { return (maximumAgeSeconds, "--max-age") }
    guard !intervals.isEmpty else {
      return (Self.defaultMaximumAgeSeconds, "the default while its usual interval is not known")
    }
    let usual = intervals.sorted()[intervals.count / 2]
    return (
      max(60, usual * Self.intervalsBeforeStale),
      "\(Self.intervalsBeforeStale) times its usual interval of \(ElapsedText.of(usual))"
    )
  }
}
