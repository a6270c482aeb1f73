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

  func store(page: [UInt8], snapshot: [UInt8], at time: Date) throws {
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
  }
}
