import Collectors
import Foundation
import Snapshot
import Testing

/// `--acknowledgements FILE`: what operators know and have planned keeps its severity on the
/// page but is left out of the verdict, until it expires, is exceeded, or its window ends.
/// Every case runs the real command on the demo's simulated servers.
@Suite("Acknowledgements and maintenance windows")
struct AcknowledgementTests {
  /// Runs the demo's `scenario` with `yaml` as the acknowledgements file.
  static func run(_ scenario: String, _ yaml: String, in folder: URL) throws -> (
    TestSupport.Result, String
  ) {
    let file = folder.appendingPathComponent("acknowledgements.yaml")
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    let output = folder.appendingPathComponent("www-\(scenario)")
    let result = try TestSupport.run([
      "demo", "--scenario", scenario, "--output", output.path, "--acknowledgements", file.path,
    ])
    let page =
      (try? String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)) ?? ""
    return (result, page)
  }

  static let future = "2099-12-31T00:00:00Z"

  @Test("an acknowledged critical pair leaves the exit code and the status line's worst")
  func acknowledgedCritical() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (result, page) = try Self.run(
      "partner-down",
      """
      acknowledgements:
        - appliance: dc3-kea-b          # the dead one
          by: oncall-anna
          reason: chassis swap, vendor case open
          ticket: INC-90417
          until: \(Self.future)
      """, in: folder)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(
      result.stdout.hasPrefix(
        "FAILOVER OK - every relationship is acknowledged or planned; 1 acknowledged or planned: dc3-kea-a & dc3-kea-b at DC3 (critical, by oncall-anna until 2099-12-31T00:00:00Z)"
      ), "\(result.stdout)")
    #expect(result.stdout.contains(" critical=1 "), "the perf data keep the true severity")
    #expect(result.stdout.hasSuffix("acknowledged=1\n"))
    // The card keeps its true severity, and says who, why and the ticket.
    #expect(page.contains("data-severity=\"critical\""))
    #expect(
      page.contains(
        "<strong>Acknowledged.</strong> Acknowledged by oncall-anna, INC-90417 until 2099-12-31 00:00:00 UTC: chassis swap, vendor case open."
      ))
  }

  @Test(
    "expired and exceeded acknowledgements count again and say so",
    arguments: [
      (
        "until: 2020-01-01T00:00:00Z", "Expired.",
        "expired at 2020-01-01 00:00:00 UTC: it counts again"
      ),
      (
        "until: \(future)\n    up-to: warning", "Exceeded.",
        "up to warning (swap), but it is critical now: it counts again"
      ),
    ])
  func countsAgain(extra: String, label: String, words: String) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (result, page) = try Self.run(
      "partner-down",
      """
      acknowledgements:
        - relationship: dc3-kea-a & dc3-kea-b
          by: oncall-anna
          reason: swap
          \(extra)
      """, in: folder)
    #expect(result.status == 2)
    #expect(result.stdout.hasPrefix("FAILOVER CRITICAL - 1 of 1 relationship critical"))
    #expect(result.stdout.contains("acknowledged=0"))
    #expect(page.contains("<strong>\(label)</strong>"))
    #expect(page.contains(words), "\(label)")
  }

  @Test("an entry that matches nothing is reported on stderr, in the status line and on the page")
  func matchesNothing() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (result, page) = try Self.run(
      "load-balancing",
      """
      acknowledgements:
        - appliance: dc1-kea-typo
          by: dan
          reason: swap
          until: \(Self.future)
        - appliance: dc1-kea-a
          by: eve
          reason: last week's outage
          until: \(Self.future)
      """, in: folder)
    #expect(result.status == 0)
    let sentence =
      "acknowledgements.yaml, line 2: the acknowledgement by dan matches no relationship (dc1-kea-typo); check the names"
    #expect(result.stderr.contains(sentence), "\(result.stderr)")
    #expect(result.stdout.contains("; 1 acknowledgement entry matches nothing: \(sentence) |"))
    #expect(page.contains("Acknowledgements that match nothing"))
    #expect(
      page.contains("<strong>No longer needed.</strong>"),
      "an entry whose problem has gone says it can be removed")
  }

  @Test("a maintenance window hides the states maintenance brings, and only them, until it ends")
  func maintenanceWindow() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    func window(_ from: String, _ until: String) -> String {
      """
      maintenance:
        - appliance: [dc5-kea-b]
          from: \(from)
          until: \(until)
          reason: firmware upgrade
        - site: DC6
          from: 2020-01-01T00:00:00Z
          until: \(Self.future)
          reason: NTP work
      """
    }
    // In the window: dc5's in-maintenance is planned.
    let (open, openPage) = try Self.run(
      "maintenance", window("2020-01-01T00:00:00Z", Self.future), in: folder)
    #expect(open.status == 0, "\(open.stdout)")
    #expect(openPage.contains("<strong>Planned maintenance.</strong>"))
    // The window does not hide what maintenance does not bring: a clock skew stays critical.
    let (skew, skewPage) = try Self.run(
      "terminated", window("2020-01-01T00:00:00Z", Self.future), in: folder)
    #expect(skew.status == 2, "\(skew.stdout)")
    #expect(!skewPage.contains("<strong>Planned maintenance.</strong>"))
    // The window has ended and the pair is not back: it counts, and says so.
    let (ended, endedPage) = try Self.run(
      "maintenance", window("2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"), in: folder)
    #expect(ended.status == 1)
    #expect(endedPage.contains("<strong>Maintenance over.</strong>"))
    #expect(endedPage.contains("ended at 2020-01-02 00:00:00 UTC and the relationship is not back"))
  }

  @Test("mistakes in the file are reported like the inventory's, and nothing is published")
  func mistakes() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (result, _) = try Self.run(
      "load-balancing",
      """
      acknowledgements:
        - appliance: dc1-kea-a
          by: anna
          reason: swap
          until: next week
          up-to: critcal
        - site: DC1
          reason: nobody signed
          until: \(Self.future)
      maintenance:
        - appliance: dc1-kea-b
          from: 2026-12-02T00:00:00Z
          until: 2026-12-01T00:00:00Z
          reason: backwards
      """, in: folder)
    #expect(result.status == 3)
    let file = folder.appendingPathComponent("acknowledgements.yaml").path
    #expect(
      result.stdout.hasPrefix(
        "FAILOVER UNKNOWN - \(file):5:12: acknowledgements[0].until: expected a time in UTC such as 2026-12-31T18:00:00Z, found \"next week\" (and 3 more mistakes, listed on stderr); nothing was published"
      ), "\(result.stdout)")
    for expected in [
      "\(file):6:12: acknowledgements[0].up-to: expected one of warning, unknown, critical, found \"critcal\"",
      "\(file):7:5: acknowledgements[1]: expected a key 'by' (who acknowledges it)",
      "\(file):13:12: maintenance[0].until: the window must end after it starts ('from')",
    ] {
      #expect(result.stderr.contains(expected), "\(expected)\n\(result.stderr)")
    }
    #expect(
      !FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("www-load-balancing/index.html").path))
  }

  @Test("the README's example reads as it says")
  func readmeExample() throws {
    let example = try TestSupport.readmeBlock(
      "<!-- acknowledgements-example: read verbatim by Tests/FailoverReportTests/AcknowledgementTests.swift -->"
    )
    let file = try Acknowledgements.parse(example, file: "README.md")
    let entry = try #require(file.acknowledgements.first)
    #expect(entry.appliances == ["dc3-kea-b"] && entry.by == "oncall-anna")
    #expect(entry.ticket == "INC-90417" && entry.upTo == "critical")
    #expect(entry.until == Timestamp.date(iso: "2026-12-31T00:00:00Z"))
    #expect(file.maintenance.first?.appliances == ["dc5-kea-b"])
    #expect(file.maintenance.first?.reason == "firmware upgrade")
  }

  @Test("the snapshot keeps the acknowledgements, so render gives the same page without the file")
  func renderAgain() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (result, page) = try Self.run(
      "partner-down",
      """
      acknowledgements:
        - site: DC3
          by: anna
          reason: swap
          until: \(Self.future)
      """, in: folder)
    #expect(result.status == 0)
    let again = folder.appendingPathComponent("again")
    let rendered = try TestSupport.run([
      "render", "--snapshot",
      folder.appendingPathComponent("www-partner-down/snapshot.json").path, "--output", again.path,
    ])
    #expect(rendered.status == 0)
    #expect(
      try String(contentsOf: again.appendingPathComponent("index.html"), encoding: .utf8) == page)
  }
}
