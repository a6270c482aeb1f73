import Assessment
import Foundation
import Publishing
import Snapshot
import Testing

/// History rebuilt from the archive's per-run summaries is the history that assessing every
/// archived snapshot again gives, and a damaged archive costs only the damaged runs.
@Suite("History from run summaries")
struct HistorySummaryTests {
  static let start = Date(timeIntervalSince1970: 1_795_000_000)
  static let runCount = 60

  /// Run `index` of a generated archive: every two hours over five days. dc3-kea-a takes over
  /// (partner-down) for three runs in six and is back in load-balancing in between; the dhcpd
  /// pair is missing from one run in five.
  static func snapshot(_ index: Int) throws -> Snapshot {
    var snapshot = try pinned(
      at: start.addingTimeInterval(Double(index) * 7200), takenOver: index % 6 >= 3)
    if index % 5 == 4 { snapshot.appliances.removeAll { $0.name.hasPrefix("dc8-") } }
    return snapshot
  }

  /// Archives every run as `run` does: history from the summaries so far, then the run with
  /// its summary.
  static func makeArchive(in folder: URL) throws -> Archive {
    let archive = Archive(folder: folder.path)
    for index in 0..<runCount {
      let snapshot = try snapshot(index)
      let (history, skipped) = archive.history(before: snapshot.collectedAt)
      #expect(skipped.isEmpty)
      let assessment = Assessor.assess(snapshot, history: history)
      try archive.store(
        page: { Array("<p>run \(index)</p>".utf8) }, snapshot: snapshot.encodedJSON(),
        summary: assessment.runSummary, severity: assessment.severity.rawValue,
        headline: assessment.headline)
    }
    return archive
  }

  /// The reference: every archived snapshot read back and assessed again, in time order.
  static func reassessed(_ archive: Archive) throws -> History {
    let snapshots = try archive.months().flatMap { archive.runs(in: $0) }.map { run in
      try Snapshot.makeDecoder().decode(
        Snapshot.self,
        from: Data(contentsOf: URL(fileURLWithPath: "\(archive.folder)/\(run.snapshot)")))
    }
    return History.rebuild(from: snapshots)
  }

  /// The pinned page's snapshot, taken at `time`: dc3-kea-a in partner-down as pinned when
  /// `takenOver`, else back in load-balancing.
  static func pinned(at time: Date, takenOver: Bool) throws -> Snapshot {
    let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json")
    var snapshot = try Snapshot.decoded(fromJSON: TestSupport.read(fixture))
    snapshot.collectedAt = time
    if !takenOver, let position = snapshot.appliances.firstIndex(where: { $0.name == "dc3-kea-a" })
    {
      snapshot.appliances[position].kea?.relationships[0].local?.state = "load-balancing"
    }
    return snapshot
  }

  static let end = start.addingTimeInterval(Double(runCount) * 7200)

  @Test(
    "five days of runs with takeovers: history from summaries equals re-assessing every snapshot")
  func equalsReassessment() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = try Self.makeArchive(in: folder)
    let (fromSummaries, skipped) = archive.history(before: Self.end)
    #expect(skipped.isEmpty)
    let reference = try Self.reassessed(archive)
    #expect(fromSummaries == reference)
    #expect(fromSummaries.runs.count == Self.runCount)
    // The takeovers are in it: dc3-kea-a entered partner-down at runs 3, 9, …, 57, so its
    // partner last failed over at run 57, and the newest run (59) saw dc3-kea-a down.
    #expect(fromSummaries.lastFailovers == ["dc3-kea-b": Self.start.addingTimeInterval(57 * 7200)])
    #expect(fromSummaries.partnerDown == ["dc3-kea-a"])
    #expect(fromSummaries.records.values.contains { $0.count == Self.runCount - 12 })
    // One month's list holds them all; its page lists them all.
    #expect(archive.months() == ["2026/11"])
    #expect(archive.runCount(in: "2026/11") == Self.runCount)
  }

  @Test("runs archived without a summary get one made from their snapshot, once, and kept")
  func summariesMadeOnce() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = try Self.makeArchive(in: folder)
    let runs = archive.runs(in: "2026/11")
    let removed = runs.enumerated().filter { $0.offset % 7 == 0 }.map(\.element)
    for run in removed {
      try FileManager.default.removeItem(atPath: "\(folder.path)/\(run.summary)")
    }
    let (history, skipped) = archive.history(before: Self.end)
    #expect(skipped.isEmpty)
    #expect(history == (try Self.reassessed(archive)))
    for run in removed {
      #expect(FileManager.default.fileExists(atPath: "\(folder.path)/\(run.summary)"))
    }
  }

  @Test(
    "a cut-short summary, a non-UTF-8 one and a run whose files are gone are skipped with a reason")
  func damagedFilesSkipped() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = try Self.makeArchive(in: folder)
    let runs = archive.runs(in: "2026/11")
    let truncated = runs[10]
    let binary = runs[20]
    let gone = runs[30]
    let truncatedPath = "\(folder.path)/\(truncated.summary)"
    let text = try Data(contentsOf: URL(fileURLWithPath: truncatedPath))
    try text.prefix(text.count / 2).write(to: URL(fileURLWithPath: truncatedPath))
    try Data([0x66, 0xFF, 0xFE, 0x0A]).write(
      to: URL(fileURLWithPath: "\(folder.path)/\(binary.summary)"))
    try FileManager.default.removeItem(atPath: "\(folder.path)/\(gone.summary)")
    try FileManager.default.removeItem(atPath: "\(folder.path)/\(gone.snapshot)")
    let (history, skipped) = archive.history(before: Self.end)
    #expect(
      skipped == [
        Archive.Skipped(path: truncated.summary, reason: "it is cut short (no \"end\" line)"),
        Archive.Skipped(path: binary.summary, reason: "it is not UTF-8 text"),
        Archive.Skipped(
          path: gone.snapshot,
          reason:
            "the run is listed in 2026/11/runs.tsv, but neither its summary nor its snapshot is there"
        ),
      ])
    #expect(history.runs.count == Self.runCount - 3)
    #expect(!history.runs.contains(Self.start.addingTimeInterval(20 * 7200)))
  }
}

extension HistorySummaryTests {
  @Test(
    "an archive from before month lists and summaries: its runs.tsv moves to the months, its runs get summaries"
  )
  func olderArchiveMigrates() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // Two runs as an older version archived them: files by day, one runs.tsv for all, no
    // summaries.
    var lines: [String] = []
    let noonOct31 = Date(
      timeIntervalSince1970: Double(Timestamp.daysSinceEpoch(year: 2026, month: 10, day: 31))
        * 86_400
        + 43_200)
    for (index, day) in [(0, "2026/10/31"), (1, "2026/11/01")] {
      var snapshot = try Self.snapshot(index)
      snapshot.collectedAt = noonOct31.addingTimeInterval(Double(index) * 86_400)
      let iso = Timestamp.iso(snapshot.collectedAt)
      let stamp = iso.dropFirst(11).prefix(8).replacingOccurrences(of: ":", with: "") + "Z"
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent(day), withIntermediateDirectories: true)
      try Data(snapshot.encodedJSON()).write(
        to: folder.appendingPathComponent("\(day)/\(stamp)-snapshot.json"))
      lines.append(
        "\(iso)\tcritical\trun \(index)\t\(day)/\(stamp)-index.html\t\(day)/\(stamp)-snapshot.json")
    }
    #expect(lines[0].hasPrefix("2026-10-31") && lines[1].hasPrefix("2026-11-01"))
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(
      to: folder.appendingPathComponent("runs.tsv"))
    let archive = Archive(folder: folder.path)
    #expect(archive.months() == ["2026/10", "2026/11"])
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs.tsv").path))
    #expect(archive.runs(in: "2026/10").map(\.headline) == ["run 0"])
    let (history, skipped) = archive.history(before: noonOct31.addingTimeInterval(2 * 86_400))
    #expect(skipped.isEmpty)
    #expect(history.runs.count == 2)
    for run in archive.months().flatMap({ archive.runs(in: $0) }) {
      #expect(FileManager.default.fileExists(atPath: "\(folder.path)/\(run.summary)"))
    }
  }
}

extension HistorySummaryTests {
  @Test(
    "a summary that repeats the one before but for its time is read as that summary at its time")
  func repeatedSummaries() throws {
    func summary(_ seconds: Double, severity: Severity, states: String) -> RunSummary {
      let at = Date(timeIntervalSince1970: seconds)
      return RunSummary(
        at: at,
        relationships: [
          ("r-a", RelationshipRecord(name: "a & b", at: at, severity: severity, states: states)),
          ("r-c", RelationshipRecord(name: "c\td", at: at, severity: .ok, states: "normal/normal")),
        ],
        partnerDown: severity == .critical ? ["a"] : [],
        lastFailovers: ["b": Date(timeIntervalSince1970: 5)])
    }
    let sequence = [
      summary(100, severity: .ok, states: "load-balancing/load-balancing"),
      summary(400, severity: .ok, states: "load-balancing/load-balancing"),
      summary(700, severity: .critical, states: "partner-down/unavailable"),
      summary(1000, severity: .critical, states: "partner-down/unavailable"),
      summary(1300, severity: .ok, states: "load-balancing/load-balancing"),
    ]
    let shared = RunSummaryText.Interner()
    for expected in sequence {
      let bytes = RunSummaryText.encode(expected)
      let read = try RunSummaryText.decode(bytes, strings: shared)
      #expect(read == expected)
      #expect(read == (try RunSummaryText.decode(bytes)), "the same as read on its own")
    }
    // A repeat cut short is not taken for the one before.
    var cut = RunSummaryText.encode(
      summary(1600, severity: .ok, states: "load-balancing/load-balancing"))
    cut.removeLast(4)
    #expect(throws: RunSummaryText.Problem.self) { try RunSummaryText.decode(cut, strings: shared) }
  }
}
