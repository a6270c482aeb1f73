import Assessment
import Foundation
import Publishing
import Snapshot
import Testing

/// `--archive-interval`: a large fleet's archive keeps a run's page and snapshot only when
/// something changed, on each day's first run, or when the last kept copy is old enough;
/// every run's summary is kept, so history is exactly what keeping every copy gives.
@Suite("Archive copies kept at an interval")
struct ArchiveIntervalTests {
  /// 20:00 UTC, four hours before a day ends.
  static let start = Date(timeIntervalSince1970: 1_795_032_000)
  static let runCount = 48

  /// Run `index`, every ten minutes: dc3-kea-a is in partner-down for runs 5, 6 and 7 only.
  static func snapshot(_ index: Int) throws -> Snapshot {
    try HistorySummaryTests.pinned(
      at: start.addingTimeInterval(Double(index) * 600), takenOver: (5...7).contains(index))
  }

  /// Archives every run as `run` does, with the given interval.
  static func archive(in folder: URL, interval: Int) throws -> Archive {
    let archive = Archive(folder: folder.path)
    for index in 0..<runCount {
      let snapshot = try snapshot(index)
      let assessment = Assessor.assess(
        snapshot, history: archive.history(before: snapshot.collectedAt).history)
      try archive.store(
        page: { Array("<p>run \(index)</p>".utf8) }, snapshot: snapshot.encodedJSON(),
        summary: assessment.runSummary, severity: assessment.severity.rawValue,
        headline: assessment.headline, copyInterval: interval)
    }
    return archive
  }

  static func runs(_ archive: Archive) -> [Archive.Run] {
    archive.months().flatMap { archive.runs(in: $0) }
  }

  @Test(
    "copies on the first run, on each change, hourly and on a new day; history as with every copy")
  func keptWhenItMatters() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let every = try Self.archive(in: folder.appendingPathComponent("every"), interval: 0)
    let hourly = try Self.archive(in: folder.appendingPathComponent("hourly"), interval: 3600)
    let runs = Self.runs(hourly)
    #expect(runs.count == Self.runCount)
    // 0: the first; 5 and 8: dc3-kea-a goes into partner-down and comes back; 14 and 20: an
    // hour after the copy before; 24: a new day (00:00 UTC); then hourly again.
    let kept = runs.enumerated().filter { $0.element.keptCopy }.map(\.offset)
    #expect(kept == [0, 5, 8, 14, 20, 24, 30, 36, 42])
    for (index, run) in runs.enumerated() {
      let copy = runs[...index].last { $0.keptCopy }
      #expect(run.page == copy?.page && run.snapshot == copy?.snapshot, "run \(index)")
      #expect(FileManager.default.fileExists(atPath: "\(hourly.folder)/\(run.summary)"))
      #expect(FileManager.default.fileExists(atPath: "\(hourly.folder)/\(run.page)"))
    }
    let pages = TestSupport.files(in: URL(fileURLWithPath: hourly.folder)) {
      $0.hasSuffix("-index.html")
    }
    #expect(pages.count == kept.count)
    let end = Self.start.addingTimeInterval(Double(Self.runCount) * 600)
    let (history, skipped) = hourly.history(before: end)
    #expect(skipped.isEmpty)
    #expect(history == every.history(before: end).history)
    #expect(history.runs.count == Self.runCount)
    #expect(history.lastFailovers["dc3-kea-b"] == Self.start.addingTimeInterval(5 * 600))
  }

  @Test("pruning a day leaves no run listed with a copy that is gone")
  func pruning() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let hourly = try Self.archive(in: folder, interval: 3600)
    let end = Self.start.addingTimeInterval(Double(Self.runCount) * 600)
    // A day later: keeping one day, the first day (20:00 to midnight) goes, with the copies
    // its runs were listed with; the second day's first run kept its own.
    let (removed, _) = try hourly.prune(keepDays: 1, now: end.addingTimeInterval(86_400 - 1800))
    #expect(removed == 1)
    let runs = Self.runs(hourly)
    #expect(runs.count == Self.runCount - 24)
    for run in runs {
      #expect(FileManager.default.fileExists(atPath: "\(hourly.folder)/\(run.page)"), "\(run.page)")
      #expect(FileManager.default.fileExists(atPath: "\(hourly.folder)/\(run.summary)"))
    }
    #expect(hourly.history(before: end).skipped.isEmpty)
  }

  /// The whole way, through `render --snapshot` of each run as a second, archiving cron job
  /// would call it: the month's page links each run to the copy that shows it.
  @Test("the month's page names the copy each unchanged run links to, and passes the gate")
  func monthPage() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = folder.appendingPathComponent("archive")
    for index in 0..<4 {
      let file = folder.appendingPathComponent("snapshot-\(index).json")
      try Data(try Self.snapshot(index).encodedJSON()).write(to: file)
      let result = try TestSupport.run([
        "render", "--snapshot", file.path, "--output", folder.appendingPathComponent("www").path,
        "--archive", archive.path, "--archive-interval", "3600", "-v",
      ])
      #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
      #expect(
        result.stderr.contains("archived the run's summary only") == (index > 0), "\(result.stderr)"
      )
    }
    let month = String(
      decoding: try TestSupport.read(archive.appendingPathComponent("2026/11/index.html")),
      as: UTF8.self)
    #expect(
      month.components(
        separatedBy: "unchanged: <a href=\"18/200000Z-index.html\">page of 2026-11-18 20:00:00</a>"
      ).count == 4)
    #expect(month.components(separatedBy: "snapshot.json</a> (of 2026-11-18 20:00:00)").count == 4)
    #expect(month.contains("<a href=\"18/200000Z-index.html\">status page</a>"))
    // Runs before this option was given stay readable: five fields, as older versions write.
    let list = try String(
      contentsOf: archive.appendingPathComponent("2026/11/runs.tsv"), encoding: .utf8)
    let fields = list.split(separator: "\n").map { $0.split(separator: "\t").count }
    #expect(fields == [5, 6, 6, 6])
  }

  @Test("--archive-interval without --archive is an argument mistake")
  func needsArchive() throws {
    let result = try TestSupport.run(["demo", "--archive-interval", "3600"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("--archive-interval needs --archive DIR"))
  }
}
