import Foundation
import Publishing
import Report
import Snapshot
import Testing
import Validation

@Suite("Archive")
struct ArchiveTests {
  /// The report's schema: archive pages pass the same gate as the status page.
  static let schema = Assets.embedded.templates["schema.rng"]

  private func snapshot(at offset: TimeInterval) throws -> Snapshot {
    let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json")
    var snapshot = try Snapshot.makeDecoder().decode(
      Snapshot.self, from: Data(contentsOf: fixture))
    snapshot.collectedAt = snapshot.collectedAt.addingTimeInterval(offset)
    return snapshot
  }

  private func render(_ snapshot: Snapshot, in folder: URL, extra: [String] = []) throws -> Int32 {
    let file = folder.appendingPathComponent("snapshot-\(UUID().uuidString).json")
    try Snapshot.makeEncoder().encode(snapshot).write(to: file)
    return try TestSupport.run(
      [
        "render", "--snapshot", file.path, "--output", folder.appendingPathComponent("www").path,
        "--archive", folder.appendingPathComponent("archive").path,
      ] + extra
    ).status
  }

  @Test("every run is kept under YYYY/MM/DD and listed, newest first, in the archive's own page")
  func indexListsRuns() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // Two runs in the same second with different snapshots keep both.
    var second = try snapshot(at: 0)
    second.appliances.removeAll { $0.name.hasPrefix("dc8-") }
    #expect(try render(try snapshot(at: 0), in: folder) == 2)
    #expect(try render(second, in: folder) == 2)
    #expect(try render(try snapshot(at: 3600), in: folder) == 2)
    let archive = folder.appendingPathComponent("archive")
    let pages = TestSupport.files(in: archive) { $0.hasSuffix("-index.html") }
    #expect(
      pages == [
        "2026/11/22/024102Z-2-index.html", "2026/11/22/024102Z-index.html",
        "2026/11/22/034102Z-index.html",
      ])
    let index = try TestSupport.read(archive.appendingPathComponent("index.html"))
    #expect(PageValidator(schema: Self.schema, allowsRelativeLinks: true).validate(index).isEmpty)
    #expect(
      !PageValidator(schema: nil).validate(index).isEmpty, "the index links to files beside it")
    let text = String(decoding: index, as: UTF8.self)
    let links = text.matches(of: /href="([^"]+-index\.html)"/).map { String($0.1) }
    #expect(
      links == [
        "2026/11/22/034102Z-index.html", "2026/11/22/024102Z-2-index.html",
        "2026/11/22/024102Z-index.html",
      ])
    #expect(text.contains("4 of 9 relationships critical"))
    #expect(text.contains("3 of 8 relationships critical"))
    // The top index links each month's page, which lists the month's runs relative to itself
    // and passes the same gate.
    #expect(text.contains("<a href=\"2026/11/index.html\">2026/11</a>"))
    let month = try TestSupport.read(archive.appendingPathComponent("2026/11/index.html"))
    #expect(PageValidator(schema: Self.schema, allowsRelativeLinks: true).validate(month).isEmpty)
    let monthText = String(decoding: month, as: UTF8.self)
    let monthLinks = monthText.matches(of: /href="([^"]+-index\.html)"/).map { String($0.1) }
    #expect(
      monthLinks == ["22/034102Z-index.html", "22/024102Z-2-index.html", "22/024102Z-index.html"])
    #expect(monthText.contains("<a href=\"../../index.html\">All months</a>"))
    for summary in ["024102Z-summary.tsv", "024102Z-2-summary.tsv", "034102Z-summary.tsv"] {
      #expect(
        FileManager.default.fileExists(
          atPath: archive.appendingPathComponent("2026/11/22/\(summary)").path))
    }
    // The same snapshot archived again (render of an archived run) replaces its own files:
    // with more history now, its summary may differ, but it is the same run.
    #expect(try render(second, in: folder) == 2)
    #expect(TestSupport.files(in: archive) { $0.hasSuffix("-index.html") }.count == 3)
    #expect(Archive(folder: archive.path).runCount(in: "2026/11") == 3)
  }

  @Test(
    "validate passes every archive page; render of an archived snapshot with the same --archive gives its page again"
  )
  func archivedPagesPassAndRenderAgain() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var healed = try snapshot(at: 3600)
    healed.appliances.removeAll { $0.name.hasPrefix("dc8-") }
    for run in [try snapshot(at: 0), healed, try snapshot(at: 7200)] {
      #expect(try render(run, in: folder) == 2)
    }
    let archive = folder.appendingPathComponent("archive")
    let pages = TestSupport.files(in: archive) { $0.hasSuffix(".html") }
    #expect(pages.count == 5, "three runs, the month's index and the top index: \(pages)")
    let checked = try TestSupport.run(
      ["validate"] + pages.map { archive.appendingPathComponent($0).path })
    #expect(checked.status == 0, "\(checked.stdout)")
    #expect(checked.stdout.isEmpty)
    // The middle run's page holds history (what changed since the first run). Its snapshot,
    // rendered with the archive it was archived in, gives that page again byte for byte;
    // without the archive the page has no history, so it differs.
    let archived = archive.appendingPathComponent("2026/11/22/034102Z")
    let again = folder.appendingPathComponent("again")
    let withArchive = try TestSupport.run([
      "render", "--snapshot", archived.path + "-snapshot.json", "--output", again.path,
      "--archive", archive.path,
    ])
    #expect(withArchive.status == 2)
    let original = try TestSupport.read(URL(fileURLWithPath: archived.path + "-index.html"))
    #expect(try TestSupport.read(again.appendingPathComponent("index.html")) == original)
    let alone = folder.appendingPathComponent("alone")
    _ = try TestSupport.run([
      "render", "--snapshot", archived.path + "-snapshot.json", "--output", alone.path,
    ])
    #expect(try TestSupport.read(alone.appendingPathComponent("index.html")) != original)
    #expect(
      TestSupport.files(in: archive) { $0.hasSuffix("-index.html") }.count == 3,
      "rendering an archived run again archives nothing new")
  }

  @Test("--keep-days deletes older days and their lines, keeps the rest")
  func keepDays() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(try render(try snapshot(at: -40 * 86_400), in: folder) == 2)
    #expect(try render(try snapshot(at: -10 * 86_400), in: folder) == 2)
    #expect(try render(try snapshot(at: 0), in: folder, extra: ["--keep-days", "30"]) == 2)
    let archive = folder.appendingPathComponent("archive")
    let pages = TestSupport.files(in: archive) { $0.hasSuffix("-index.html") }
    #expect(pages == ["2026/11/12/024102Z-index.html", "2026/11/22/024102Z-index.html"])
    #expect(!FileManager.default.fileExists(atPath: archive.appendingPathComponent("2026/10").path))
    // Each month lists its own runs; the month whose only day went is gone with its list.
    for (month, count) in [("2026/11", 2)] {
      let manifest = try String(
        contentsOf: archive.appendingPathComponent("\(month)/runs.tsv"), encoding: .utf8)
      #expect(manifest.split(separator: "\n").count == count)
    }
    #expect(
      !FileManager.default.fileExists(atPath: archive.appendingPathComponent("runs.tsv").path))
    let result = try TestSupport.run([
      "render", "--snapshot", "/nonexistent", "--output", "/tmp/x", "--keep-days", "3",
    ])
    #expect(result.status == 3)
    #expect(result.stderr.contains("--keep-days needs --archive DIR"))
  }
}
