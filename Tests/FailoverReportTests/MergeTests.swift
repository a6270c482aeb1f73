import Assessment
import Collectors
import Foundation
import Publishing
import Report
import Snapshot
import Testing

@testable import FailoverReportCLI

/// `merge`: regional snapshots into one page, each region's state shown, nothing silently
/// dropped, the same inputs giving the same bytes.
@Suite("Merging regional snapshots")
struct MergeTests {
  static let newest = Date(timeIntervalSince1970: 1_795_300_000)

  /// The pinned fixture's appliances whose site is in `sites`, as one region's run saw them.
  static func regional(sites: Set<String>, at time: Date) throws -> Snapshot {
    let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json")
    var snapshot = try Snapshot.makeDecoder().decode(
      Snapshot.self, from: Data(contentsOf: fixture))
    let shift = time.timeIntervalSince(snapshot.collectedAt)
    snapshot.collectedAt = time
    snapshot.appliances = snapshot.appliances.filter { sites.contains($0.site ?? "") }.map {
      var appliance = $0
      appliance.askedAt = appliance.askedAt.addingTimeInterval(shift)
      return appliance
    }
    return snapshot
  }

  /// The same servers as another region runs them: other appliance names, the same HA names.
  static func copied(_ snapshot: Snapshot) -> Snapshot {
    var copy = snapshot
    copy.appliances = copy.appliances.map {
      var appliance = $0
      appliance.name = "copy-" + appliance.name
      return appliance
    }
    return copy
  }

  /// Publishes a regional snapshot as `run` does: snapshot.json and its digest in a folder.
  static func publish(_ snapshot: Snapshot, in folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let bytes = snapshot.encodedJSON()
    try Data(bytes).write(to: folder.appendingPathComponent("snapshot.json"))
    try Data(Publisher.sha256Line(bytes, name: "snapshot.json").utf8).write(
      to: folder.appendingPathComponent("snapshot.json.sha256"))
  }

  /// emea (DC1, DC2: healthy) is current; amer (DC7: healthy) is an hour behind; apac (DC6,
  /// DC7) was changed after it was published, so its digest no longer matches.
  static func threeRegions(in folder: URL) throws -> [String] {
    try publish(
      regional(sites: ["DC1", "DC2"], at: newest), in: folder.appendingPathComponent("emea"))
    try publish(
      regional(sites: ["DC7"], at: newest.addingTimeInterval(-3600)),
      in: folder.appendingPathComponent("amer"))
    let apac = folder.appendingPathComponent("apac")
    try publish(regional(sites: ["DC6", "DC7"], at: newest), in: apac)
    let damaged = apac.appendingPathComponent("snapshot.json")
    var bytes = try TestSupport.read(damaged)
    bytes.append(UInt8(ascii: "\n"))
    try Data(bytes).write(to: damaged)
    return ["emea", "amer", "apac"].map { "--region=\($0)=\(folder.path)/\($0)" }
  }

  @Test(
    "a fresh, a stale and a damaged region: one valid page that shows each, and a re-merge gives the same bytes"
  )
  func threeStates() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let regions = try Self.threeRegions(in: folder)
    let output = folder.appendingPathComponent("www")
    let first = try TestSupport.run(["merge"] + regions + ["--output", output.path])
    // Everything current is healthy: what is left is not knowing the other two regions, and
    // the stale region's pair is unknown, not healthy.
    #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
    #expect(
      first.stdout.hasPrefix(
        "FAILOVER WARNING - 1 of 3 relationships unknown: dc7-kea-active at DC7 (region-stale); 2 of 3 regions not current: amer (stale, 1 h old), apac (no usable snapshot)"
      ), "\(first.stdout)")
    #expect(first.stdout.contains("regions=3 regions_not_current=2"))
    let page = String(
      decoding: try TestSupport.read(output.appendingPathComponent("index.html")), as: UTF8.self)
    #expect(
      try TestSupport.run(["validate", output.appendingPathComponent("index.html").path]).status
        == 0)
    #expect(page.contains("Regions: 1 of 3 current"))
    #expect(
      page.contains(
        "its snapshot is 1 h older than the newest region&#39;s, more than its maximum age of 15 min"
      )
        || page.contains(
          "its snapshot is 1 h older than the newest region's, more than its maximum age of 15 min")
    )
    #expect(page.contains("does not match its digest in \(folder.path)/apac/snapshot.json.sha256"))
    #expect(page.contains("stale: shown as last seen"))
    #expect(page.contains("no usable snapshot"))

    let merged = try Snapshot.makeDecoder().decode(
      Snapshot.self, from: Data(contentsOf: output.appendingPathComponent("snapshot.json")))
    #expect(merged.regions?.map(\.status) == [.fresh, .stale, .unusable])
    #expect(merged.collectedAt == Self.newest)
    let assessment = Assessor.assess(merged)
    let amer = assessment.relationships.filter { $0.region == "amer" }
    // The stale region's pair was healthy when last seen; it is not shown as healthy now.
    #expect(!amer.isEmpty && amer.allSatisfy { $0.severity == .unknown })
    #expect(
      amer.allSatisfy {
        $0.summary.hasPrefix(
          "Not current (region amer has sent no newer snapshot); last seen as of 2026-11-21 ")
      })
    #expect(
      assessment.relationships.filter { $0.region == "emea" }.allSatisfy { $0.severity == .ok })
    #expect(!assessment.relationships.contains { $0.region == "apac" })

    // The same snapshots, merged again into a new folder and into the same one.
    let again = folder.appendingPathComponent("again")
    _ = try TestSupport.run(["merge"] + regions + ["--output", again.path])
    _ = try TestSupport.run(["merge"] + regions + ["--output", output.path])
    let firstBytes = try TestSupport.read(again.appendingPathComponent("index.html"))
    #expect(firstBytes == Array(page.utf8))
    #expect(try TestSupport.read(output.appendingPathComponent("index.html")) == firstBytes)
  }

  @Test(
    "a region that breaks after a good merge keeps its last good relationships, shown as not current"
  )
  func lastGood() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let emea = folder.appendingPathComponent("emea")
    let apac = folder.appendingPathComponent("apac")
    try Self.publish(Self.regional(sites: ["DC1"], at: Self.newest), in: emea)
    try Self.publish(Self.regional(sites: ["DC6"], at: Self.newest), in: apac)
    let output = folder.appendingPathComponent("www")
    let arguments = [
      "merge", "--region", "emea=\(emea.path)", "--region", "apac=\(apac.path)", "--output",
      output.path,
    ]
    let good = try TestSupport.run(arguments)
    #expect(good.stdout.contains("regions_not_current=0"), "\(good.stdout)")
    try FileManager.default.removeItem(at: apac.appendingPathComponent("snapshot.json"))
    try Self.publish(
      Self.regional(sites: ["DC1"], at: Self.newest.addingTimeInterval(300)), in: emea)
    let broken = try TestSupport.run(arguments)
    #expect(broken.stdout.contains("apac (no usable snapshot)"), "\(broken.stdout)")
    let merged = try Snapshot.makeDecoder().decode(
      Snapshot.self, from: Data(contentsOf: output.appendingPathComponent("snapshot.json")))
    let report = try #require(merged.regions?.last)
    #expect(report.status == .unusable)
    #expect(report.collectedAt == Self.newest)
    #expect(report.problem?.hasPrefix("no snapshot at \(apac.path)/snapshot.json") == true)
    #expect(
      report.problem?.hasSuffix("shown instead: its last good snapshot, of 2026-11-21T22:26:40Z")
        == true)
    // The last good DC6 pair is shown, judged at least unknown; emea learned its interval.
    let dc6 = Assessor.assess(merged).relationships.filter { $0.region == "apac" }
    #expect(dc6.count == 1 && dc6.allSatisfy { $0.severity >= .unknown })
    #expect(merged.regions?.first?.intervalsSeconds == [300])
    #expect(merged.regions?.first?.maximumAgeSeconds == 900)
  }

  /// The usual cron case: every region published since the last merge. The previous merged
  /// snapshot is then read in outline (its regions, not its appliances), and still gives each
  /// region's interval; a region that is not JSON is refused with where it breaks.
  @Test(
    "every region current: intervals learned from the previous merge; a region that is not JSON says where"
  )
  func steadyState() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let emea = folder.appendingPathComponent("emea")
    let apac = folder.appendingPathComponent("apac")
    let output = folder.appendingPathComponent("www")
    let arguments = [
      "merge", "--region", "emea=\(emea.path)", "--region", "apac=\(apac.path)", "--output",
      output.path, "--no-clock-check",
    ]
    func merged() throws -> Snapshot {
      try Snapshot.makeDecoder().decode(
        Snapshot.self, from: Data(contentsOf: output.appendingPathComponent("snapshot.json")))
    }
    for (step, offset) in [0.0, 300, 540].enumerated() {
      try Self.publish(
        Self.regional(sites: ["DC1"], at: Self.newest.addingTimeInterval(offset)), in: emea)
      try Self.publish(
        Self.regional(sites: ["DC2"], at: Self.newest.addingTimeInterval(offset)), in: apac)
      let result = try TestSupport.run(arguments)
      #expect(result.status == 0, "step \(step): \(result.stdout)\(result.stderr)")
    }
    let last = try merged()
    #expect(last.regions?.map(\.intervalsSeconds) == [[300, 240], [300, 240]])
    #expect(last.regions?.map(\.maximumAgeSeconds) == [900, 900])
    #expect(last.appliances.count == 5)

    try Data("{\"format\": 1,\n \"appliances\": [}".utf8).write(
      to: apac.appendingPathComponent("snapshot.json"))
    try FileManager.default.removeItem(at: apac.appendingPathComponent("snapshot.json.sha256"))
    let broken = try TestSupport.run(arguments)
    #expect(broken.status == 1, "\(broken.stdout)")
    let report = try #require(try merged().regions?.last)
    #expect(
      report.problem?.hasPrefix(
        "\(apac.path)/snapshot.json is not a failover-report snapshot: line 2, column 17: expected a value"
      ) == true, "\(report.problem ?? "")")
    // Its last good data, from the previous merge read whole this time.
    #expect(try merged().appliances.filter { $0.region == "apac" }.count == 3)
  }

  @Test("an appliance in two regions: exit 3, naming both files, and nothing published")
  func duplicateAppliance() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.publish(
      Self.regional(sites: ["DC1", "DC2"], at: Self.newest), in: folder.appendingPathComponent("a"))
    try Self.publish(
      Self.regional(sites: ["DC2"], at: Self.newest), in: folder.appendingPathComponent("b"))
    let output = folder.appendingPathComponent("www")
    let result = try TestSupport.run([
      "merge", "--region", "a=\(folder.path)/a", "--region", "b=\(folder.path)/b/snapshot.json",
      "--output", output.path,
    ])
    #expect(result.status == 3)
    #expect(
      result.stdout.hasPrefix(
        "FAILOVER UNKNOWN - the appliance dc2-kea-primary is in region a (\(folder.path)/a/snapshot.json) and in region b (\(folder.path)/b/snapshot.json)"
      ), "\(result.stdout)")
    #expect(
      !FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
  }

  @Test("no usable region: exit 3 and a page that says so")
  func nothingUsable() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let future = folder.appendingPathComponent("future.json")
    try Data(#"{"format": 99, "generator": "failover-report 9.0.0"}"#.utf8).write(to: future)
    let output = folder.appendingPathComponent("www")
    let result = try TestSupport.run([
      "merge", "--region", "x=\(folder.path)/missing", "--region", "y=\(future.path)",
      "--output", output.path,
    ])
    #expect(result.status == 3, "\(result.stdout)")
    #expect(result.stdout.hasPrefix("FAILOVER UNKNOWN - no region's snapshot is usable (2 given)"))
    let page = String(
      decoding: try TestSupport.read(output.appendingPathComponent("index.html")), as: UTF8.self)
    #expect(
      page.contains(
        "was made by an incompatible version (failover-report 9.0.0, snapshot format 99; this one reads format 1)"
      ))
  }

  /// Two regions whose operators both named their HA servers server1 and server2: two pairs,
  /// never one relationship of four.
  @Test("the same HA server names in two regions stay two relationships, with their own ids")
  func sameServerNames() throws {
    let one = try Self.regional(sites: ["DC1"], at: Self.newest)
    let other = Self.copied(one)
    let merged = try SnapshotMerger(generator: "test").merge(
      [
        (RegionSource(name: "eu", path: "eu"), .snapshot(one, digest: "a")),
        (RegionSource(name: "us", path: "us"), .snapshot(other, digest: "b")),
      ], previous: nil, fallbackNow: Self.newest)
    let assessment = Assessor.assess(merged)
    #expect(assessment.relationships.count == 2)
    #expect(assessment.relationships.allSatisfy { $0.servers.count == 2 && $0.severity == .ok })
    #expect(Set(assessment.relationships.map(\.id)).count == 2)
    #expect(
      assessment.relationships.map(\.id).allSatisfy {
        $0.hasPrefix("in-eu-") || $0.hasPrefix("in-us-")
      })
  }

  /// A merge judges regions against the newest of them, so when every regional run stops
  /// the page alone would stay green: the status line and the exit code compare the newest
  /// snapshot with the clock. The page does not change.
  @Test(
    "every region silent by the clock: exit 1 and a status line that says so; the page unchanged")
  func silentRegions() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let now = Timestamp.wholeSeconds(Date())
    let emea = folder.appendingPathComponent("emea")
    let apac = folder.appendingPathComponent("apac")
    func merge(into name: String, extra: [String] = []) throws -> TestSupport.Result {
      try TestSupport.run(
        [
          "merge", "--region", "emea=\(emea.path)", "--region", "apac=\(apac.path)", "--output",
          folder.appendingPathComponent(name).path,
        ] + extra)
    }
    // Both regions published two hours ago, and nothing since.
    let then = now.addingTimeInterval(-7200)
    try Self.publish(Self.regional(sites: ["DC1"], at: then), in: emea)
    try Self.publish(Self.regional(sites: ["DC2"], at: then), in: apac)
    let silent = try merge(into: "silent")
    #expect(silent.status == 1, "\(silent.stdout)\(silent.stderr)")
    #expect(
      silent.stdout.hasPrefix(
        "FAILOVER WARNING - all 2 relationships healthy; no region has published for "))
    #expect(
      silent.stdout.contains(
        ": the newest snapshot is of \(Timestamp.iso(then)), more than the largest maximum age (15 min) ago by this machine's clock | "
      ), "\(silent.stdout)")
    #expect(silent.stdout.contains("regions_not_current=0 silent_for="))
    #expect(
      silent.stderr.contains("no region has published for longer than any region may be late"))
    // Replaying archived snapshots: no clock, and the same page either way.
    let replayed = try merge(into: "replayed", extra: ["--no-clock-check"])
    #expect(replayed.status == 0, "\(replayed.stdout)")
    #expect(!replayed.stdout.contains("no region has published"))
    #expect(
      try TestSupport.read(folder.appendingPathComponent("silent/index.html"))
        == TestSupport.read(folder.appendingPathComponent("replayed/index.html")))
    // One region publishes again: the merge is current.
    try Self.publish(Self.regional(sites: ["DC1"], at: now), in: emea)
    let current = try merge(into: "current")
    #expect(!current.stdout.contains("no region has published"), "\(current.stdout)")
    #expect(current.stdout.contains("apac (stale, 2 h old)"))
  }

  /// node_exporter refuses a textfile that repeats a series; two regions with the same HA
  /// names must not. Each region's freshness and time are there for the monitoring system to
  /// compare with its own clock, which a merge never reads.
  @Test("metrics: one series per relationship across regions, and each region's freshness and time")
  func metrics() throws {
    let one = try Self.regional(sites: ["DC1"], at: Self.newest)
    let other = Self.copied(
      try Self.regional(sites: ["DC1"], at: Self.newest.addingTimeInterval(-3600)))
    let merged = try SnapshotMerger(generator: "test").merge(
      [
        (RegionSource(name: "eu", path: "eu"), .snapshot(one, digest: "a")),
        (RegionSource(name: "us \"west\"", path: "us"), .snapshot(other, digest: "b")),
        (RegionSource(name: "ap", path: "ap"), .unusable("no snapshot")),
      ], previous: nil, fallbackNow: Self.newest)
    let text = MetricsText.make(Assessor.assess(merged), snapshot: merged)
    let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    let series = samples.map { $0[..<($0.lastIndex(of: " ") ?? $0.endIndex)] }
    #expect(Set(series).count == series.count, "\(text)")
    let severities = samples.filter { $0.hasPrefix("failover_report_relationship_severity{") }
    #expect(severities.count == 2)
    #expect(
      severities.contains { $0.hasPrefix("failover_report_relationship_severity{region=\"eu\",") })
    #expect(
      severities.contains {
        $0.hasPrefix("failover_report_relationship_severity{region=\"us \\\"west\\\"\",")
      })
    let newest = Int(Self.newest.timeIntervalSince1970)
    for line in [
      "failover_report_region_current{region=\"eu\"} 1",
      "failover_report_region_current{region=\"us \\\"west\\\"\"} 0",
      "failover_report_region_current{region=\"ap\"} 0",
      "failover_report_region_snapshot_timestamp_seconds{region=\"eu\"} \(newest)",
      "failover_report_region_snapshot_timestamp_seconds{region=\"us \\\"west\\\"\"} \(newest - 3600)",
      "failover_report_region_maximum_age_seconds{region=\"ap\"} 900",
      "failover_report_last_success_timestamp_seconds \(newest)",
    ] {
      #expect(samples.contains(Substring(line)), "\(line) in \(text)")
    }
    // The unusable region has no data, so no time.
    #expect(!text.contains("failover_report_region_snapshot_timestamp_seconds{region=\"ap\"}"))
    // The text lines (email, -v) name the region with the site: "us "west" · DC1".
    let lines = TextSummary.lines(Assessor.assess(merged))
    #expect(lines.count == 1)
    #expect(
      lines.first?.hasPrefix("UNKNOWN: ") == true
        && lines.first?.contains(" [us \"west\" · DC1]: Not current") == true, "\(lines)")
    // One run's metrics have no region series.
    let single = MetricsText.make(Assessor.assess(one), snapshot: one)
    #expect(!single.contains("region"))
  }

  @Test("the maximum age follows a region's usual interval, and an outage does not count as one")
  func usualInterval() throws {
    let merger = SnapshotMerger(generator: "test")
    func merge(_ times: [TimeInterval], previous: Snapshot?) throws -> Snapshot {
      try merger.merge(
        times.enumerated().map { index, offset in
          var snapshot = try Self.regional(
            sites: index == 0 ? ["DC1"] : ["DC5"], at: Self.newest.addingTimeInterval(offset))
          snapshot.generator = "r\(index)"
          return (
            RegionSource(name: "r\(index)", path: "r\(index)"), .snapshot(snapshot, digest: "d")
          )
        }, previous: previous, fallbackNow: Self.newest)
    }
    var merged = try merge([0, 0], previous: nil)
    for step in 1...3 {
      merged = try merge([Double(step * 60), Double(step * 60)], previous: merged)
    }
    #expect(merged.regions?.map(\.intervalsSeconds) == [[60, 60, 60], [60, 60, 60]])
    #expect(merged.regions?.map(\.maximumAgeSeconds) == [180, 180])
    // r1 stops for 10 minutes: stale at once (3 × 60 s), and its comeback is not an interval.
    merged = try merge([780, 180], previous: merged)
    #expect(merged.regions?.map(\.status) == [.fresh, .stale])
    merged = try merge([840, 840], previous: merged)
    #expect(merged.regions?.last?.intervalsSeconds == [60, 60, 60])
    #expect(merged.regions?.map(\.status) == [.fresh, .fresh])
  }
}
