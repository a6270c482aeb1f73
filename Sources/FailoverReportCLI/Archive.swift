import Foundation
import Publishing

/// Keeps every run's page and snapshot under `DIR/YYYY/MM/DD/`, named by the snapshot time.
struct Archive {
  let folder: String

  func store(page: [UInt8], snapshot: [UInt8], at time: Date) throws {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
    func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
    let day = "\(folder)/\(parts.year ?? 0)/\(two(parts.month))/\(two(parts.day))"
    try FileManager.default.createDirectory(atPath: day, withIntermediateDirectories: true)
    let stamp = "\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    try AtomicFile.write(snapshot, to: "\(day)/\(stamp)-snapshot.json")
    try AtomicFile.write(page, to: "\(day)/\(stamp)-index.html")
  }
}
