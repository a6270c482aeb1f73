import Foundation
import Publishing
import Report
import Testing
import Validation

/// The command line end to end, through the built binary.
@Suite("failover-report command line")
struct CommandLineTests {
  /// Publishes the healthy demo page into `folder/out`; returns the folder and the page.
  static func publishHealthyPage(in folder: URL) throws -> (URL, [UInt8]) {
    let output = folder.appendingPathComponent("out")
    let result = try TestSupport.run([
      "demo", "--scenario", "load-balancing", "--output", output.path,
    ])
    #expect(result.status == 0)
    return (output, try TestSupport.read(output.appendingPathComponent("index.html")))
  }

  @Test("demo publishes a valid page with every scenario and exits 2")
  func demoPublishesEverything() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run(["demo", "--output", folder.path])
    #expect(result.status == 2)
    #expect(result.stdout.hasPrefix("FAILOVER CRITICAL - 4 of 10 relationships critical"))
    #expect(
      result.stdout.contains("| ok=5 warning=1 critical=4 unknown=0 appliances=21 unreachable=2"))
    #expect(result.stdout.split(separator: "\n").count == 1)
    let page = try TestSupport.read(folder.appendingPathComponent("index.html"))
    let sidecar = try String(
      contentsOf: folder.appendingPathComponent("index.html.sha256"), encoding: .utf8)
    #expect(sidecar == Publisher.sha256Line(page, name: "index.html"))
    let snapshot = try Data(contentsOf: folder.appendingPathComponent("snapshot.json"))
    #expect(!snapshot.isEmpty)
    let problems = PageValidator(schema: Assets.embedded.templates["schema.rng"]).validate(page)
    #expect(problems.isEmpty, "\(problems)")
    let text = String(decoding: page, as: UTF8.self)
    for server in [
      "dc1-kea-a", "dc1-kea-b", "dc2-kea-primary", "dc2-kea-standby", "dc2-kea-backup", "dc3-kea-a",
      "dc3-kea-b", "dc4-kea-a", "dc4-kea-b", "dc5-kea-a", "dc5-kea-b", "dc6-kea-a", "dc6-kea-b",
      "dc7-kea-active", "dc7-kea-backup", "dc8-dhcpd-a", "dc8-dhcpd-b", "dc9-edge-1", "dc9-edge-2",
    ] {
      #expect(text.contains(">\(server)<"), "\(server) is missing")
    }
    for state in [
      "load-balancing", "hot-standby", "backup", "passive-backup", "partner-down",
      "communication-recovery",
      "partner-in-maintenance", "in-maintenance", "terminated", "recover-wait", "normal",
    ] {
      #expect(text.contains(">\(state)</a>"), "state \(state) is not shown")
    }
    // The hot-standby agents' secret, the peers' password and the EdgeConnect API key never
    // reach the outputs.
    for secret in ["demo-monitor-secret", "demo-peer-secret", "demo-edge-key"] {
      #expect(!text.contains(secret))
      #expect(!String(decoding: snapshot, as: UTF8.self).contains(secret))
      #expect(!result.stderr.contains(secret))
    }
  }

  @Test(
    "each exit code comes from a real run",
    arguments: [
      ("load-balancing", Int32(0), "FAILOVER OK - the one relationship healthy"),
      ("maintenance", Int32(1), "FAILOVER WARNING - 1 of 1 relationship warning"),
      ("partner-down", Int32(2), "FAILOVER CRITICAL - 1 of 1 relationship critical"),
    ])
  func exitCodes(scenario: String, status: Int32, line: String) throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run(["demo", "--scenario", scenario, "--output", folder.path])
    #expect(result.status == status)
    #expect(result.stdout.hasPrefix(line), "\(result.stdout)")
  }

  @Test("a bad inventory exits 3 with file, line, column and key, and leaves the page alone")
  func badInventory() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    let previous = Array("previous page".utf8)
    try Data(previous).write(to: output.appendingPathComponent("index.html"))
    let inventory = folder.appendingPathComponent("inventory.yaml")
    try Data("appliances:\n  - name: a\n    kind: kae\n    url: http://127.0.0.1:1/\n".utf8).write(
      to: inventory)
    let result = try TestSupport.run([
      "run", "--inventory", inventory.path, "--output", output.path,
    ])
    #expect(result.status == 3)
    #expect(
      result.stderr.contains(
        "inventory.yaml:3:11: appliances[0].kind: expected one of kea, dhcpd, edgeconnect, found \"kae\""
      ))
    #expect(result.stdout.hasPrefix("FAILOVER UNKNOWN - "))
    #expect(try TestSupport.read(output.appendingPathComponent("index.html")) == previous)
  }

  @Test("argument mistakes exit 3, not 64")
  func argumentMistakes() throws {
    let result = try TestSupport.run(["run", "--output", "/tmp/x"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("--inventory"))
    let unknown = try TestSupport.run(["demo", "--scenario", "nope"])
    #expect(unknown.status == 3)
    let negative = try TestSupport.run(["demo", "--detail-limit=-1"])
    #expect(negative.status == 3)
    #expect(negative.stderr.contains("--detail-limit must be 0 or more"))
    let badTimeout = try TestSupport.run(["demo", "--timeout", "0"])
    #expect(badTimeout.status == 3)
    #expect(badTimeout.stderr.contains("--timeout must be more than 0 and at most 1 h"))
    let missing = try TestSupport.run([
      "render", "--snapshot", "/nonexistent", "--output", "/tmp/x",
    ])
    #expect(missing.status == 3)
    #expect(missing.stdout.hasPrefix("FAILOVER UNKNOWN - there is no snapshot at /nonexistent: "))
    // merge and render ask no appliance: a collection flag there is a mistake, not ignored.
    for command in [
      ["merge", "--region", "a=/nonexistent", "--output", "/tmp/x"],
      ["render", "--snapshot", "/nonexistent", "--output", "/tmp/x"],
    ] {
      let collectionFlag = try TestSupport.run(command + ["--timeout", "2"])
      #expect(collectionFlag.status == 3)
      #expect(
        collectionFlag.stderr.contains("Unknown option '--timeout'"), "\(collectionFlag.stderr)")
    }
  }

  @Test("past --detail-limit the demo's healthy relationships are one line each, problems in full")
  func detailLimit() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run(["demo", "--output", folder.path, "--detail-limit", "3"])
    #expect(result.status == 2)
    let page = String(
      decoding: try TestSupport.read(folder.appendingPathComponent("index.html")), as: UTF8.self)
    // The demo has ten relationships, five judged OK: past three, those five are rows, and
    // of the five problems the three worst show every field, the other two one line each.
    #expect(page.components(separatedBy: "<article class=\"relationship sev-ok\"").count == 1)
    #expect(page.components(separatedBy: "<article class=\"relationship").count == 4)
    #expect(page.components(separatedBy: "<tr id=\"r-").count == 8)
    #expect(page.components(separatedBy: "<div class=\"table-wrap problem-list\">").count >= 2)
    let validated = try TestSupport.run([
      "validate", folder.appendingPathComponent("index.html").path,
    ])
    #expect(validated.status == 0, "\(validated.stdout)")
  }

  @Test("nothing reachable exits 3")
  func nothingReachable() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inventory = folder.appendingPathComponent("inventory.yaml")
    try Data(
      "appliances:\n  - name: gone\n    kind: kea\n    url: http://127.0.0.1:9/\n    service: dhcp4\n"
        .utf8
    )
    .write(to: inventory)
    let result = try TestSupport.run([
      "run", "--inventory", inventory.path, "--output", folder.appendingPathComponent("out").path,
      "--timeout", "2",
    ])
    #expect(result.status == 3)
    #expect(
      result.stdout.hasPrefix("FAILOVER UNKNOWN - no appliance answered (1 asked): gone: "),
      "the first reason is named: \(result.stdout)")
  }

  @Test("render turns a snapshot back into the same page, byte for byte")
  func renderReproducesThePage() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = folder.appendingPathComponent("first")
    let second = folder.appendingPathComponent("second")
    _ = try TestSupport.run(["demo", "--output", first.path])
    let result = try TestSupport.run([
      "render", "--snapshot", first.appendingPathComponent("snapshot.json").path, "--output",
      second.path,
    ])
    #expect(result.status == 2)
    let original = try TestSupport.read(first.appendingPathComponent("index.html"))
    #expect(!original.isEmpty)
    #expect(try TestSupport.read(second.appendingPathComponent("index.html")) == original)
  }

  @Test("a page that fails the gate is never published: the previous page stays byte-identical")
  func rejectedPageKeepsThePrevious() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (output, published) = try Self.publishHealthyPage(in: folder)
    let sidecar = try TestSupport.read(output.appendingPathComponent("index.html.sha256"))
    let snapshot = try TestSupport.read(output.appendingPathComponent("snapshot.json"))
    // An operator's template that loads an image from the network.
    let templates = folder.appendingPathComponent("templates")
    try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
    let page = try String(
      contentsOf: TestSupport.root.appendingPathComponent("Templates/page.mustache"),
      encoding: .utf8)
    try Data(
      page.replacingOccurrences(
        of: "<main>", with: "<main><img src=\"https://example.invalid/logo.png\" alt=\"\"/>"
      ).utf8
    )
    .write(to: templates.appendingPathComponent("page.mustache"))
    let result = try TestSupport.run([
      "demo", "--scenario", "load-balancing", "--output", output.path, "--templates",
      templates.path,
    ])
    #expect(result.status == 3)
    #expect(result.stderr.contains("refers outside the page"))
    #expect(try TestSupport.read(output.appendingPathComponent("index.html")) == published)
    #expect(try TestSupport.read(output.appendingPathComponent("index.html.sha256")) == sidecar)
    let rejected = try String(
      contentsOf: output.appendingPathComponent("index.html.rejected"), encoding: .utf8)
    #expect(rejected.contains("https://example.invalid/logo.png"))
    // The files written while the page was validated were removed, and the snapshot beside
    // the kept page is still that page's.
    #expect(TestSupport.files(in: output) { $0.contains(".tmp-") }.isEmpty)
    #expect(try TestSupport.read(output.appendingPathComponent("snapshot.json")) == snapshot)
  }

  @Test("validate prints file:line:column for each problem and exits 3")
  func validateCommand() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    _ = try TestSupport.run(["demo", "--scenario", "load-balancing", "--output", output.path])
    let good = output.appendingPathComponent("index.html")
    #expect(try TestSupport.run(["validate", good.path]).status == 0)
    var lines = try String(contentsOf: good, encoding: .utf8).components(separatedBy: "\n")
    lines[12] += "<br>"
    let bad = folder.appendingPathComponent("bad.html")
    try Data(lines.joined(separator: "\n").utf8).write(to: bad)
    let result = try TestSupport.run(["validate", good.path, bad.path])
    #expect(result.status == 3)
    #expect(result.stdout.hasPrefix("\(bad.path):"))
    #expect(!result.stdout.contains(good.path + ":"))
  }

  @Test("template renders exactly the bytes, and reports mistakes as template:line:column")
  func templateCommand() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let template = folder.appendingPathComponent("t.mustache")
    let data = folder.appendingPathComponent("d.json")
    try Data("Hello {{name}}!{{#items}} {{.}}{{/items}}{{>tail}}".utf8).write(to: template)
    try Data("tail: <{{name}}>".utf8).write(to: folder.appendingPathComponent("tail.mustache"))
    try Data(#"{"name": "A&B", "items": [1, 2.5]}"#.utf8).write(to: data)
    let result = try TestSupport.run([
      "template", template.path, "--data", data.path, "--partials", folder.path,
    ])
    #expect(result.status == 0)
    #expect(result.stdout == "Hello A&amp;B! 1 2.5tail: <A&amp;B>")
    try Data("line one\n  {{missing}}".utf8).write(to: template)
    let failed = try TestSupport.run(["template", template.path, "--data", data.path])
    #expect(failed.status == 3)
    #expect(failed.stderr.hasPrefix("\(template.path):2:3: unknown key 'missing'"))
    #expect(failed.stdout.isEmpty)
    let lenient = try TestSupport.run(["template", template.path, "--data", data.path, "--lenient"])
    #expect(lenient.stdout == "line one\n  ")
  }

  @Test("check explains what each appliance will be asked")
  func checkCommand() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inventory = folder.appendingPathComponent("inventory.yaml")
    try Data(
      "appliances:\n  - name: kea-a\n    kind: kea\n    url: http://127.0.0.1:8001/\n    service: dhcp4\n    username: monitor\n    password-env: FR_TEST_UNSET_SECRET\n"
        .utf8
    ).write(to: inventory)
    let result = try TestSupport.run(["check", "--inventory", inventory.path], environment: [:])
    #expect(
      result.stdout.contains(
        "kea-a (kea): POST status-get, config-get and ha-heartbeat to the Control Agent at http://127.0.0.1:8001/ for dhcp4"
      ))
    #expect(result.stdout.contains("$FR_TEST_UNSET_SECRET (NOT SET)"))
    #expect(result.status == 3)
    // Why it exits 3 is on stderr too, where cron and a terminal show it.
    #expect(
      result.stderr.contains(
        "kea-a: the environment variable FR_TEST_UNSET_SECRET named by password-env is not set here; cron and systemd start with an empty environment"
      ), "\(result.stderr)")
    #expect(result.stderr.contains("check: 1 problem found"))
  }

  @Test("a run that finds the output folder locked by another run waits, then exits 3 untouched")
  func lockedOutput() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (output, published) = try Self.publishHealthyPage(in: folder)
    let lock = try PublishLock(folder: output.path, timeout: 1)
    let result = try TestSupport.run([
      "demo", "--scenario", "partner-down", "--output", output.path, "--lock-timeout", "0.5",
    ])
    withExtendedLifetime(lock) {}
    #expect(result.status == 3)
    #expect(
      result.stdout.hasPrefix("FAILOVER UNKNOWN - another failover-report run holds the lock"))
    #expect(try TestSupport.read(output.appendingPathComponent("index.html")) == published)
  }

  @Test("every flag that takes a length of time takes a unit, as the inventory does")
  func durationsWithUnits() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run([
      "demo", "--scenario", "load-balancing", "--output", folder.appendingPathComponent("www").path,
      "--timeout", "2s", "--deadline", "1 min", "--lock-timeout", "500ms", "--archive",
      folder.appendingPathComponent("archive").path, "--archive-interval", "1h",
    ])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let wrong = try TestSupport.run(["demo", "--output", folder.path, "--timeout", "5 fortnights"])
    #expect(wrong.status == 3)
    #expect(wrong.stderr.contains("The value '5 fortnights' is invalid for '--timeout <TIME>'"))
  }

  @Test("the lock is on the folder: nothing but the published files lies where they are served")
  func lockLeavesNoFile() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    // The lock file an earlier version left is swept.
    try Data().write(to: output.appendingPathComponent(".failover-report.lock"))
    _ = try Self.publishHealthyPage(in: folder)
    let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
    #expect(
      names == ["index.html", "index.html.sha256", "snapshot.json", "snapshot.json.sha256"])
  }
}
