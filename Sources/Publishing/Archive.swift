import Assessment
import Foundation
import Snapshot

/// Keeps every run's page, snapshot and summary under `DIR/YYYY/MM/DD/`, named by the
/// snapshot time, and lists them month by month in `DIR/YYYY/MM/runs.tsv`.
///
/// A year of runs every five minutes is about 105,000 runs: nothing here reads or writes more
/// than one month's list per run, and history is rebuilt from the summaries of the last 31
/// days, never by assessing old snapshots again.
public struct Archive: Sendable {
  public let folder: String

  public init(folder: String) { self.folder = folder }

  /// How far back history reaches: the longest share on the page (30 days), and a day more for
  /// the run whose severity still holds at the window's start.
  public static let historyWindow: TimeInterval = 31 * 86_400

  /// One archived run, as a month's `runs.tsv` lists it.
  public struct Run: Equatable, Sendable {
    public var time: String
    public var severity: String
    public var headline: String
    /// Paths relative to the archive folder.
    public var page: String
    public var snapshot: String

    /// The summary is named like the snapshot.
    public var summary: String {
      snapshot.hasSuffix("-snapshot.json")
        ? String(snapshot.dropLast("-snapshot.json".count)) + "-summary.tsv" : snapshot + ".summary"
    }

    /// `YYYY/MM`, the month it is listed under.
    public var month: String { String(page.prefix(7)) }

    var line: String {
      [time, severity, headline.replacingOccurrences(of: "\t", with: " "), page, snapshot]
        .joined(separator: "\t")
    }

    public init(time: String, severity: String, headline: String, page: String, snapshot: String) {
      (self.time, self.severity, self.headline, self.page, self.snapshot) =
        (time, severity, headline, page, snapshot)
    }

    /// A line of `runs.tsv` (without its line break): five fields split by tabs.
    init?(line: ArraySlice<UInt8>) {
      var fields: [String] = []
      fields.reserveCapacity(5)
      var start = line.startIndex
      for index in line.indices where line[index] == 0x09 {
        fields.append(String(decoding: line[start..<index], as: UTF8.self))
        start = index + 1
      }
      fields.append(String(decoding: line[start...], as: UTF8.self))
      guard fields.count == 5 else { return nil }
      self.init(
        time: fields[0], severity: fields[1], headline: fields[2], page: fields[3],
        snapshot: fields[4])
    }
  }

  /// A file history could not use, and why.
  public struct Skipped: Equatable, Sendable {
    /// Relative to the archive folder.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
      self.path = path
      self.reason = reason
    }
  }

  // MARK: - Months

  func manifestPath(_ month: String) -> String { "\(folder)/\(month)/runs.tsv" }

  /// Every month with runs, oldest first (`YYYY/MM`).
  public func months() -> [String] {
    migrateSingleManifest()
    let fileManager = FileManager.default
    var months: [String] = []
    for year in ((try? fileManager.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    where year.count == 4 && year.allSatisfy(\.isNumber) {
      for month in ((try? fileManager.contentsOfDirectory(atPath: "\(folder)/\(year)")) ?? [])
        .sorted()
      where month.count == 2 && fileManager.fileExists(atPath: manifestPath("\(year)/\(month)")) {
        months.append("\(year)/\(month)")
      }
    }
    return months
  }

  /// The runs a month lists, oldest first.
  public func runs(in month: String) -> [Run] {
    guard let bytes = Self.readBytes(manifestPath(month)) else { return [] }
    return bytes.split(separator: 0x0A).compactMap(Run.init(line:))
  }

  /// How many runs a month lists and its newest one, from one read of its list and without
  /// making values of the others: what the top index shows of each month.
  public func tally(of month: String) -> (count: Int, latest: Run?) {
    guard let bytes = Self.readBytes(manifestPath(month)) else { return (0, nil) }
    var end = bytes.endIndex
    while end > bytes.startIndex, bytes[end - 1] == 0x0A { end -= 1 }
    var start = end
    while start > bytes.startIndex, bytes[start - 1] != 0x0A { start -= 1 }
    return (bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }, Run(line: bytes[start..<end]))
  }

  /// How many runs a month lists.
  public func runCount(in month: String) -> Int { tally(of: month).count }

  /// A small file's bytes, or nil when it cannot be read. `FileManager.contents` and a copy
  /// out of `Data` byte by byte were most of the time of reading a month of summaries.
  static func readBytes(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 { return nil }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }

  private func writeManifest(_ runs: [Run], month: String) throws {
    guard !runs.isEmpty else {
      try? FileManager.default.removeItem(atPath: manifestPath(month))
      return
    }
    try AtomicFile.write(
      Array(runs.map(\.line).joined(separator: "\n").utf8) + [0x0A], to: manifestPath(month))
  }

  /// Archives written before months had their own lists kept one `runs.tsv` for all: its
  /// lines move to their months once.
  private func migrateSingleManifest() {
    let single = folder + "/runs.tsv"
    guard let data = FileManager.default.contents(atPath: single) else { return }
    let lines = Array(data).split(separator: 0x0A).compactMap(Run.init(line:))
    for (month, runs) in Dictionary(grouping: lines, by: \.month) {
      let merged = (self.runs(in: month) + runs).reduce(into: [String: Run]()) {
        $0[$1.page] = $1
      }
      try? writeManifest(merged.values.sorted { $0.time < $1.time }, month: month)
    }
    try? FileManager.default.removeItem(atPath: single)
  }

  // MARK: - Storing and pruning

  /// Stores a run (page, snapshot, summary) and lists it in its month; returns it as listed.
  @discardableResult
  public func store(
    page: [UInt8], snapshot: [UInt8], summary: RunSummary, severity: String, headline: String
  ) throws -> Run {
    migrateSingleManifest()
    let time = summary.at
    let (pagePath, snapshotPath) = try store(page: page, snapshot: snapshot, at: time)
    let run = Run(
      time: Timestamp.iso(time), severity: severity, headline: headline, page: pagePath,
      snapshot: snapshotPath)
    try AtomicFile.write(RunSummaryText.encode(summary), to: "\(folder)/\(run.summary)")
    // In time order; runs of the same second in the order they were stored.
    let runs = (self.runs(in: run.month).filter { $0.page != run.page } + [run]).enumerated()
      .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    try writeManifest(runs, month: run.month)
    return run
  }

  /// Deletes the days older than `days` before `now`, and their lines in their months' lists.
  /// Returns how many day folders went, and the months whose lists changed.
  @discardableResult
  public func prune(keepDays days: Int, now: Date) throws -> (removed: Int, months: [String]) {
    migrateSingleManifest()
    let cutoff = String(Timestamp.iso(now.addingTimeInterval(-Double(days) * 86_400)).prefix(10))
      .replacingOccurrences(of: "-", with: "/")
    var removed = 0
    var touched: [String] = []
    let fileManager = FileManager.default
    for year in (try? fileManager.contentsOfDirectory(atPath: folder)) ?? []
    where year.count == 4 && year.allSatisfy(\.isNumber) {
      for month in (try? fileManager.contentsOfDirectory(atPath: "\(folder)/\(year)")) ?? [] {
        let monthPath = "\(folder)/\(year)/\(month)"
        // A month wholly after the cutoff keeps everything: no need to look inside.
        guard "\(year)/\(month)/99" >= cutoff, "\(year)/\(month)/00" < cutoff else {
          if "\(year)/\(month)/99" < cutoff {
            let days = (try? fileManager.contentsOfDirectory(atPath: monthPath))?.filter {
              $0.count == 2
            }
            removed += days?.count ?? 0
            try fileManager.removeItem(atPath: monthPath)
            touched.append("\(year)/\(month)")
          }
          continue
        }
        var changed = false
        for day in (try? fileManager.contentsOfDirectory(atPath: monthPath)) ?? []
        where day.count == 2 && "\(year)/\(month)/\(day)" < cutoff {
          try fileManager.removeItem(atPath: "\(monthPath)/\(day)")
          removed += 1
          changed = true
        }
        if changed {
          let month = "\(year)/\(month)"
          try writeManifest(runs(in: month).filter { $0.page >= cutoff }, month: month)
          touched.append(month)
        }
        if (try? fileManager.contentsOfDirectory(atPath: monthPath))?.allSatisfy({
          $0 == "index.html"
        }) == true {
          try? fileManager.removeItem(atPath: monthPath)
        }
      }
      if (try? fileManager.contentsOfDirectory(atPath: "\(folder)/\(year)"))?.isEmpty == true {
        try? fileManager.removeItem(atPath: "\(folder)/\(year)")
      }
    }
    return (removed, touched.sorted())
  }

  /// The page's and snapshot's paths relative to the archive folder.
  private func store(page: [UInt8], snapshot: [UInt8], at time: Date) throws -> (String, String) {
    let iso = Timestamp.iso(time)  // 2026-11-22T02:41:02Z
    let characters = Array(iso)
    let dayPart = String(characters[0..<10]).replacingOccurrences(of: "-", with: "/")
    let day = "\(folder)/\(dayPart)"
    try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
    let second = String(characters[11..<19]).replacingOccurrences(of: ":", with: "") + "Z"
    // Two different runs within one second keep both: the later one gets -2, -3, …; the same
    // snapshot archived again (render of an archived run) replaces its own files.
    var stamp = second
    var attempt = 1
    while let existing = FileManager.default.contents(atPath: "\(day)/\(stamp)-snapshot.json"),
      Array(existing) != snapshot
    {
      attempt += 1
      stamp = "\(second)-\(attempt)"
    }
    try AtomicFile.write(snapshot, to: "\(day)/\(stamp)-snapshot.json")
    try AtomicFile.write(page, to: "\(day)/\(stamp)-index.html")
    return ("\(dayPart)/\(stamp)-index.html", "\(dayPart)/\(stamp)-snapshot.json")
  }

  // MARK: - History

  /// History from the summaries of the runs taken in the window before `time`. A run without
  /// a summary (archived by an older version) gets one made from its snapshot, once, and kept.
  /// A file that is missing, cut short or not what it should be is skipped and named.
  /// A run's summary as read from the archive.
  enum LoadedSummary: Sendable {
    case summary(RunSummary)
    case unusable(String)
    case missing
  }

  /// Every run's summary, read and decoded in slices on every core.
  private func load(_ runs: [Run]) -> [LoadedSummary] {
    var loaded = [LoadedSummary](repeating: .missing, count: runs.count)
    let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount, runs.count / 512))
    let folder = self.folder
    loaded.withUnsafeMutableBufferPointer { buffer in
      // Each slice writes only its own elements.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: slices) { slice in
        let strings = RunSummaryText.Interner()
        for index in (slice * runs.count / slices)..<((slice + 1) * runs.count / slices) {
          guard let bytes = Self.readBytes("\(folder)/\(runs[index].summary)") else { continue }
          do throws(RunSummaryText.Problem) {
            slots[index] = .summary(try RunSummaryText.decode(bytes, strings: strings))
          } catch {
            slots[index] = .unusable(error.description)
          }
        }
      }
    }
    return loaded
  }

  public func history(before time: Date) -> (history: History, skipped: [Skipped]) {
    let start = Timestamp.iso(time.addingTimeInterval(-Self.historyWindow))
    let end = Timestamp.iso(time)
    let first = String(start.prefix(7)).replacingOccurrences(of: "-", with: "/")
    var runs: [Run] = []
    for month in months() where month >= first {
      // Each line starts with its time: only lines in the window are read into runs.
      guard let bytes = Self.readBytes(manifestPath(month)) else { continue }
      for line in bytes.split(separator: 0x0A) where line.count > 20 {
        let time = line.prefix(20)
        guard time.lexicographicallyPrecedes(end.utf8), !time.lexicographicallyPrecedes(start.utf8),
          let run = Run(line: line)
        else { continue }
        runs.append(run)
      }
    }
    runs.sort { $0.time == $1.time ? $0.page < $1.page : $0.time < $1.time }
    // Summaries are read and decoded on every core, then folded in time order.
    let loaded = load(runs)
    var history = History()
    var skipped: [Skipped] = []
    for (run, summary) in zip(runs, loaded) {
      switch summary {
      case .summary(let summary):
        // Two runs within one second: keep the order runs were listed in.
        guard history.runs.last.map({ $0 <= summary.at }) ?? true else {
          skipped.append(Skipped(path: run.summary, reason: "it is older than the run before it"))
          continue
        }
        history.append(summary)
        continue
      case .unusable(let reason):
        skipped.append(Skipped(path: run.summary, reason: reason))
        continue
      case .missing: break
      }
      guard let data = FileManager.default.contents(atPath: "\(folder)/\(run.snapshot)") else {
        skipped.append(
          Skipped(
            path: run.snapshot,
            reason:
              "the run is listed in \(run.month)/runs.tsv, but neither its summary nor its snapshot is there"
          ))
        continue
      }
      let snapshot: Snapshot
      do {
        snapshot = try Snapshot.decoded(fromJSON: Array(data))
      } catch {
        skipped.append(Skipped(path: run.snapshot, reason: "it is not a readable snapshot"))
        continue
      }
      // A decoded snapshot's times are whole seconds already, as the summary file keeps them.
      let summary = Assessor.assess(snapshot, history: history).runSummary
      try? AtomicFile.write(RunSummaryText.encode(summary), to: "\(folder)/\(run.summary)")
      history.append(summary)
    }
    return (history, skipped)
  }
}
