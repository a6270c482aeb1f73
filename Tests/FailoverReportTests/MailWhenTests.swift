import Foundation
import Snapshot
import Testing

/// `--mail-when changed` and `--mail-daily`: a five-minute cron mails when something changed
/// and once a day, not 288 times. Each run is `render --snapshot` of the pinned page's snapshot
/// at a chosen time, archived, so "the previous run" is real.
@Suite("Mail on change and once a day")
struct MailWhenTests {
  /// The pinned snapshot, taken `offset` seconds after its own time (2026-11-22T02:41:02Z),
  /// without dc8's appliances when `withoutDC8`.
  static func snapshot(at offset: TimeInterval, withoutDC8: Bool = false) throws -> Snapshot {
    let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json")
    var snapshot = try Snapshot.decoded(fromJSON: Array(Data(contentsOf: fixture)))
    // The whole run moves in time, its answers with it: an answer left behind would be old.
    snapshot.collectedAt = snapshot.collectedAt.addingTimeInterval(offset)
    for index in snapshot.appliances.indices {
      snapshot.appliances[index].askedAt = snapshot.appliances[index].askedAt.addingTimeInterval(
        offset)
    }
    if withoutDC8 { snapshot.appliances.removeAll { $0.name.hasPrefix("dc8-") } }
    return snapshot
  }

  /// Renders `snapshot` into `folder` with its archive and `flags`; whether the email was
  /// written this time.
  static func mailed(_ snapshot: Snapshot, in folder: URL, _ flags: [String]) throws -> Bool {
    let file = folder.appendingPathComponent("snapshot-\(UUID().uuidString).json")
    try Data(snapshot.encodedJSON()).write(to: file)
    let email = folder.appendingPathComponent("status.eml")
    try? FileManager.default.removeItem(at: email)
    let result = try TestSupport.run(
      [
        "render", "--snapshot", file.path, "--output", folder.appendingPathComponent("www").path,
        "--archive", folder.appendingPathComponent("archive").path, "--email", email.path,
      ] + flags)
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    return FileManager.default.fileExists(atPath: email.path)
  }

  @Test("changed: no second message when nothing changed, one when a severity changes")
  func onChange() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let flags = ["--mail-when", "changed"]
    #expect(try Self.mailed(try Self.snapshot(at: 0), in: folder, flags), "the first run mails")
    #expect(!(try Self.mailed(try Self.snapshot(at: 300), in: folder, flags)))
    #expect(!(try Self.mailed(try Self.snapshot(at: 600), in: folder, flags)))
    #expect(
      try Self.mailed(try Self.snapshot(at: 900, withoutDC8: true), in: folder, flags),
      "dc8's critical relationship went away")
    #expect(!(try Self.mailed(try Self.snapshot(at: 1200, withoutDC8: true), in: folder, flags)))
    // Without the flag, every run mails, as before.
    #expect(try Self.mailed(try Self.snapshot(at: 1500, withoutDC8: true), in: folder, []))
    // An acknowledgement that begins is a change; the same one a run later is not.
    let acknowledgements = folder.appendingPathComponent("acknowledgements.yaml")
    try """
    acknowledgements:
      - site: DC3
        by: anna
        reason: chassis swap
        until: 2099-01-01T00:00:00Z
    """.write(to: acknowledgements, atomically: true, encoding: .utf8)
    let acknowledged = flags + ["--acknowledgements", acknowledgements.path]
    #expect(
      try Self.mailed(try Self.snapshot(at: 1800, withoutDC8: true), in: folder, acknowledged))
    #expect(
      !(try Self.mailed(try Self.snapshot(at: 2100, withoutDC8: true), in: folder, acknowledged)))
  }

  @Test("--mail-daily adds one message a day, with the first run at or after its time")
  func daily() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The snapshot is of 02:41:02 UTC; the digest is due at 03:00.
    let flags = ["--mail-when", "changed", "--mail-daily", "03:00"]
    #expect(try Self.mailed(try Self.snapshot(at: 0), in: folder, flags), "the first run mails")
    #expect(!(try Self.mailed(try Self.snapshot(at: 600), in: folder, flags)), "02:51")
    #expect(try Self.mailed(try Self.snapshot(at: 1200), in: folder, flags), "03:01: the digest")
    #expect(!(try Self.mailed(try Self.snapshot(at: 1500), in: folder, flags)), "03:06")
    #expect(!(try Self.mailed(try Self.snapshot(at: 86_000), in: folder, flags)), "02:34 next day")
    #expect(try Self.mailed(try Self.snapshot(at: 88_000), in: folder, flags), "03:07 next day")
  }

  @Test("--mail-when changed without --archive is an argument error")
  func needsArchive() throws {
    let result = try TestSupport.run([
      "demo", "--output", "/nonexistent/never", "--email", "/tmp/x.eml", "--mail-when", "changed",
    ])
    #expect(result.status == 3)
    #expect(result.stderr.contains("--mail-when changed needs --archive DIR"))
    let time = try TestSupport.run([
      "demo", "--output", "/nonexistent/never", "--mail-daily", "7:00",
    ])
    #expect(time.status == 3)
    #expect(time.stderr.contains("The value '7:00' is invalid for '--mail-daily <HH:MM>'"))
  }
}
