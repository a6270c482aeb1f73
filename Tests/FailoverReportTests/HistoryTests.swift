import Assessment
import Foundation
import Snapshot
import Testing

@Suite("History from the archive")
struct HistoryTests {
  private func record(_ minutesAgo: Double, _ severity: Severity, now: Date) -> RelationshipRecord {
    RelationshipRecord(
      name: "pair", at: now.addingTimeInterval(-minutesAgo * 60), severity: severity, states: "")
  }

  @Test("time in each severity: a run's severity holds until the next run, at most an hour")
  func timeInSeverity() {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    // ok for 10 h, then critical for 2 h (runs every 5 minutes are not needed: a run's severity
    // holds until the next, capped at an hour), then a 3-hour gap with no run, then ok.
    var records: [RelationshipRecord] = []
    for hour in stride(from: 16.0, to: 6.0, by: -1) {
      records.append(record(hour * 60, .ok, now: now))
    }
    records.append(record(6 * 60, .critical, now: now))
    records.append(record(5 * 60, .critical, now: now))
    records.append(record(60, .ok, now: now))
    records.append(record(0, .ok, now: now))
    let timeline = SeverityTimeline(records: records, now: now)
    let (bySeverity, covered) = timeline.time(inLast: 86_400)
    // Date arithmetic in floating point: compare to the millisecond.
    func rounded(_ seconds: TimeInterval?) -> Int? { seconds.map { Int(($0 * 1000).rounded()) } }
    #expect(rounded(bySeverity[.ok]) == 11 * 3_600_000)
    #expect(rounded(bySeverity[.critical]) == 2 * 3_600_000)
    #expect(rounded(covered) == 13 * 3_600_000)
    // Only the last 4 hours: 3 hours without a run, then one hour ok.
    let lastFour = timeline.time(inLast: 4 * 3600).bySeverity
    #expect(lastFour.keys.sorted() == [.ok])
    #expect(rounded(lastFour[.ok]) == 3_600_000)

    let segments = timeline.segments(inLast: 86_400, slots: 24)
    #expect(segments.map(\.severity) == [nil, .ok, .critical, nil, .ok])
    #expect(segments.map(\.slots) == [8, 10, 2, 3, 1])
  }

  @Test("the page says what changed since the previous archived run and draws each history")
  func changesOnThePage() throws {
    let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json")
    let current = try Snapshot.makeDecoder().decode(Snapshot.self, from: Data(contentsOf: fixture))
    // An hour earlier the dhcpd pair was not in the inventory yet, and dc1 was the same.
    var earlier = current
    earlier.collectedAt = current.collectedAt.addingTimeInterval(-3600)
    earlier.appliances = current.appliances.filter { !$0.name.hasPrefix("dc8-") }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let earlierFile = folder.appendingPathComponent("earlier.json")
    try Snapshot.makeEncoder().encode(earlier).write(to: earlierFile)
    let archive = folder.appendingPathComponent("archive").path
    let first = try TestSupport.run([
      "render", "--snapshot", earlierFile.path, "--archive", archive, "--output",
      folder.appendingPathComponent("first").path,
    ])
    #expect(first.status == 2)
    let second = try TestSupport.run([
      "render", "--snapshot", fixture.path, "--archive", archive, "--output",
      folder.appendingPathComponent("second").path,
    ])
    #expect(second.status == 2, "\(second.stdout)\(second.stderr)")
    let page = try String(
      contentsOf: folder.appendingPathComponent("second/index.html"), encoding: .utf8)
    #expect(
      page.contains("What changed since the last run (<time datetime=\"2026-11-22T01:41:02Z\">"))
    #expect(
      page.contains(
        "<a href=\"#r-dhcpd-dc8-failover\">dc8-failover</a>: new since the last run · CRITICAL"))
    // Every relationship but the new one has a history strip: seven Kea pairs and LAN0.
    #expect(page.components(separatedBy: "<div class=\"history\">").count - 1 == 8)
    // One hour of history is given as one hour, never as 24 h, 7 d or 30 d.
    #expect(page.contains("Time in each severity (from 2 runs over 1 h):"))
    #expect(page.contains("<span class=\"share\">1 h: 100 % ok</span>"))
    #expect(!page.contains("<span class=\"share\">24 h:"))
    #expect(!page.contains("<span class=\"share\">30 d:"))
    // The first page had no earlier run: no changes section, no strips.
    let firstPage = try String(
      contentsOf: folder.appendingPathComponent("first/index.html"), encoding: .utf8)
    #expect(!firstPage.contains("id=\"changes\""))
    #expect(!firstPage.contains("class=\"history\""))
  }
}
