import Foundation
import Publishing
import Snapshot

/// Keeps every run's page and snapshot under `DIR/YYYY/MM/DD/`, named by the snapshot time.
struct Archive {
  let folder: String

  /// How many archived snapshots history is rebuilt from at most (the newest ones).
  static let historyLimit = 2000

  /// The archived snapshots taken before `time`, oldest first; unreadable ones are skipped
  /// and named in `skipped`.
  func snapshots(before time: Date) -> (snapshots: [Snapshot], skipped: [String]) {
    guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return ([], []) }
    var paths: [String] = []
    while let path = enumerator.nextObject() as? String {
      if path.hasSuffix("-snapshot.json") { paths.append(path) }
    }
    var snapshots: [Snapshot] = []
    var skipped: [String] = []
    let decoder = Snapshot.makeDecoder()
    for path in paths.sorted().suffix(Self.historyLimit) {
      guard let data = FileManager.default.contents(atPath: folder + "/" + path),
        let snapshot = try? decoder.decode(Snapshot.self, from: data)
      else {
        skipped.append(path)
        continue
      }
      if snapshot.collectedAt < time { snapshots.append(snapshot) }
    }
    return (snapshots, skipped)
  }

  /// One archived run, as the manifest `runs.tsv` lists it.
  struct Run: Equatable {
    var time: String
    var severity: String
    var headline: String
    /// Paths relative to the archive folder.
    var page: String
    var snapshot: String

    var line: String {
      [time, severity, headline.replacingOccurrences(of: "\t", with: " "), page, snapshot]
        .joined(separator: "\t")
    }

    init(time: String, severity: String, headline: String, page: String, snapshot: String) {
      (self.time, self.severity, self.headline, self.page, self.snapshot) =
        (time, severity, headline, page, snapshot)
    }

    init?(line: Substring) {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 5 else { return nil }
      self.init(
        time: fields[0], severity: fields[1], headline: fields[2], page: fields[3],
        snapshot: fields[4])
    }
  }

  var manifestPath: String { folder + "/runs.tsv" }

  /// The runs the manifest lists, oldest first.
  func runs() -> [Run] {
    guard let data = FileManager.default.contents(atPath: manifestPath) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap(Run.init)
  }

  /// Stores a run and records it in the manifest; returns the run as recorded.
  @discardableResult
  func store(
    page: [UInt8], snapshot: [UInt8], at time: Date, severity: String, headline: String
  ) throws -> Run {
    let (pagePath, snapshotPath) = try store(page: page, snapshot: snapshot, at: time)
    let run = Run(
      time: Timestamp.iso(time), severity: severity, headline: headline, page: pagePath,
      snapshot: snapshotPath)
    let runs = self.runs().filter { $0.page != run.page } + [run]
    try AtomicFile.write(
      Array(runs.map(\.line).joined(separator: "\n").utf8) + [0x0A], to: manifestPath)
    return run
  }

  /// Deletes the days older than `days` before `now`, and their lines in the manifest.
  /// Returns how many day folders went.
  @discardableResult
  func prune(keepDays days: Int, now: Date) throws -> Int {
    let cutoff = String(Timestamp.iso(now.addingTimeInterval(-Double(days) * 86_400)).prefix(10))
      .replacingOccurrences(of: "-", with: "/")
    var removed = 0
    let fileManager = FileManager.default
    for year in (try? fileManager.contentsOfDirectory(atPath: folder)) ?? []
    where year.count == 4 && year.allSatisfy(\.isNumber) {
      for month in (try? fileManager.contentsOfDirectory(atPath: "\(folder)/\(year)")) ?? [] {
        let monthPath = "\(folder)/\(year)/\(month)"
        for day in (try? fileManager.contentsOfDirectory(atPath: monthPath)) ?? []
        where "\(year)/\(month)/\(day)" < cutoff {
          try fileManager.removeItem(atPath: "\(monthPath)/\(day)")
          removed += 1
        }
        if (try? fileManager.contentsOfDirectory(atPath: monthPath))?.isEmpty == true {
          try? fileManager.removeItem(atPath: monthPath)
        }
      }
      if (try? fileManager.contentsOfDirectory(atPath: "\(folder)/\(year)"))?.isEmpty == true {
        try? fileManager.removeItem(atPath: "\(folder)/\(year)")
      }
    }
    let kept = runs().filter { $0.page >= cutoff }
    try AtomicFile.write(
      Array(kept.map(\.line).joined(separator: "\n").utf8) + (kept.isEmpty ? [] : [0x0A]),
      to: manifestPath)
    return removed
  }

  /// The page's and snapshot's paths relative to the archive folder.
  private func store(page: [UInt8], snapshot: [UInt8], at time: Date) throws -> (String, String) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
    func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
    let day = "\(folder)/\(parts.year ?? 0)/\(two(parts.month))/\(two(parts.day))"
    try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
    let second = "\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
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
    let relative = String(day.dropFirst(folder.count + 1))
    return ("\(relative)/\(stamp)-index.html", "\(relative)/\(stamp)-snapshot.json")
  }
}
