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
    /// Paths relative to the archive folder. For a run whose copy was not kept (see
    /// `copyInterval` in `store`), the page and snapshot of the last run that kept one: they
    /// show the same verdict, severities and states.
    public var page: String
    public var snapshot: String
    /// Set only for a run whose copy was not kept: where its own summary is.
    public var ownSummary: String?

    /// The run's summary: named like its snapshot, unless it kept no copy of its own.
    public var summary: String {
      if let ownSummary { return ownSummary }
      return snapshot.hasSuffix("-snapshot.json")
        ? String(snapshot.dropLast("-snapshot.json".count)) + "-summary.tsv" : snapshot + ".summary"
    }

    /// Whether the page and snapshot listed are this run's own.
    public var keptCopy: Bool { ownSummary == nil }

    /// The time a kept copy's path names (`2026/12/05/063000Z-2-index.html` →
    /// `2026-12-05T06:30:00Z`), for a run listed with another run's copy.
    public static func time(ofCopy path: String) -> String? {
      let characters = Array(path)
      guard characters.count >= 18, characters[4] == "/", characters[7] == "/",
        characters[10] == "/", characters[17] == "Z"
      else { return nil }
      let day = String(characters[0..<10]).replacingOccurrences(of: "/", with: "-")
      let clock = characters[11..<17]
      return "\(day)T\(String(clock[11..<13])):\(String(clock[13..<15])):\(String(clock[15..<17]))Z"
    }

    /// `YYYY/MM`, the month it is listed under.
    public var month: String { String(summary.prefix(7)) }

    /// Five fields split by tabs, and a sixth for a run that kept no copy of its own (older
    /// versions, which never skip a copy, write and read five).
    var line: String {
      ([time, severity, headline.replacingOccurrences(of: "\t", with: " "), page, snapshot]
        + (ownSummary.map { [$0] } ?? [])).joined(separator: "\t")
    }

    public init(
      time: String, severity: String, headline: String, page: String, snapshot: String,
      ownSummary: String? = nil
    ) {
      (self.time, self.severity, self.headline, self.page, self.snapshot, self.ownSummary) =
        (time, severity, headline, page, snapshot, ownSummary)
    }

    /// A line of `runs.tsv` (without its line break).
    init?(line: ArraySlice<UInt8>) {
      var fields: [String] = []
      fields.reserveCapacity(6)
      var start = line.startIndex
      for index in line.indices where line[index] == 0x09 {
        fields.append(String(decoding: line[start..<index], as: UTF8.self))
        start = index + 1
      }
      fields.append(String(decoding: line[start...], as: UTF8.self))
      guard fields.count == 5 || fields.count == 6 else { return nil }
      self.init(
        time: fields[0], severity: fields[1], headline: fields[2], page: fields[3],
        snapshot: fields[4], ownSummary: fields.count == 6 ? fields[5] : nil)
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
        $0[$1.summary] = $1
      }
      try? writeManifest(merged.values.sorted { $0.time < $1.time }, month: month)
    }
    try? FileManager.default.removeItem(atPath: single)
  }

  // MARK: - Storing and pruning

  /// Stores a run (page, snapshot, summary) and lists it in its month; returns it as listed.
  ///
  /// With a `copyInterval`, the page and snapshot are kept only when the run is the day's
  /// first, when its summary differs from the run before (the verdict, a relationship's
  /// severity or states, who is in partner-down, a failover), or when the last kept copy is
  /// that many seconds old; otherwise only its summary is, and it is listed with the last
  /// kept copy. History, made from summaries, stays exact; a large fleet's archive stops
  /// growing by its whole page every five minutes. `page` is asked for only when it is kept.
  @discardableResult
  public func store(
    page: () -> [UInt8], snapshot: [UInt8], summary: RunSummary, severity: String,
    headline: String, copyInterval: Int = 0
  ) throws -> Run {
    migrateSingleManifest()
    let time = summary.at
    let iso = Timestamp.iso(time)
    let summaryBytes = RunSummaryText.encode(summary)
    let month = String(iso.prefix(7)).replacingOccurrences(of: "-", with: "/")
    let listed = runs(in: month)
    let run: Run
    if copyInterval > 0,
      let copy = copyToShare(listed, summary: summaryBytes, at: iso, interval: copyInterval)
    {
      let base = try freshBase(at: time) { base in
        Self.readBytes("\(folder)/\(base)-summary.tsv") == summaryBytes
      }
      run = Run(
        time: iso, severity: severity, headline: headline, page: copy.page,
        snapshot: copy.snapshot, ownSummary: base + "-summary.tsv")
    } else {
      let base = try freshBase(at: time) { base in
        Self.readBytes("\(folder)/\(base)-snapshot.json") == snapshot
      }
      try AtomicFile.write(snapshot, to: "\(folder)/\(base)-snapshot.json")
      try AtomicFile.write(page(), to: "\(folder)/\(base)-index.html")
      run = Run(
        time: iso, severity: severity, headline: headline, page: base + "-index.html",
        snapshot: base + "-snapshot.json")
    }
    try AtomicFile.write(summaryBytes, to: "\(folder)/\(run.summary)")
    // In time order; runs of the same second in the order they were stored.
    let runs = (listed.filter { $0.summary != run.summary } + [run]).enumerated()
      .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    try writeManifest(runs, month: run.month)
    return run
  }

  /// The kept copy a run at `iso` may be listed with instead of its own: the one the run
  /// before it is listed with, when that run is of the same day, its summary is the same but
  /// for its time, and the copy is younger than `interval` seconds. Nil: keep a copy.
  private func copyToShare(_ runs: [Run], summary: [UInt8], at iso: String, interval: Int)
    -> Run?
  {
    guard let previous = runs.last(where: { $0.time < iso }),
      previous.time.prefix(10) == iso.prefix(10),
      let copy = runs.last(where: { $0.keptCopy && $0.page == previous.page }),
      let copyTime = Timestamp.date(iso: copy.time), let now = Timestamp.date(iso: iso),
      now.timeIntervalSince(copyTime) < Double(interval),
      let before = Self.readBytes("\(folder)/\(previous.summary)"),
      RunSummaryText.sameButTime(before, summary)
    else { return nil }
    return copy
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
          try writeManifest(runs(in: month).filter { $0.summary >= cutoff }, month: month)
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

  /// Where a run's files go, relative to the archive folder and without their suffixes:
  /// `YYYY/MM/DD/HHMMSSZ`. Two different runs within one second keep both: the later one
  /// gets -2, -3, …; the same run archived again (render of an archived run), which `isSame`
  /// recognises by its files, gets its own name back and replaces them.
  private func freshBase(at time: Date, isSame: (String) -> Bool) throws -> String {
    let iso = Timestamp.iso(time)  // 2026-11-22T02:41:02Z
    let characters = Array(iso)
    let dayPart = String(characters[0..<10]).replacingOccurrences(of: "-", with: "/")
    try FileManager.default.createDirectory(
      atPath: "\(folder)/\(dayPart)", withIntermediateDirectories: true)
    let second = String(characters[11..<19]).replacingOccurrences(of: ":", with: "") + "Z"
    var base = "\(dayPart)/\(second)"
    var attempt = 1
    let fileManager = FileManager.default
    while fileManager.fileExists(atPath: "\(folder)/\(base)-summary.tsv")
      || fileManager.fileExists(atPath: "\(folder)/\(base)-snapshot.json"), !isSame(base)
    {
      attempt += 1
      base = "\(dayPart)/\(second)-\(attempt)"
    }
    return base
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
    runs.sort { $0.time == $1.time ? $0.summary < $1.summary : $0.time < $1.time }
    // Summaries are read and decoded on every core, then folded in time order.
    let loaded = load(runs)
    var history = History(archived: true)
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
      // A run that kept no copy lists another run's snapshot: its summary is all it has.
      guard run.keptCopy,
        let data = FileManager.default.contents(atPath: "\(folder)/\(run.snapshot)")
      else {
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
