import Assessment
import Foundation
import Report
import Simulator
import Snapshot
import Testing
import Validation

/// One appliance answering in a broken or malicious way, beside a healthy pair: it must be
/// marked with a one-line reason while everything else is shown normally, the page must pass
/// the publish gate, and the run must end within its deadline.
extension ExternalProcesses {
  @Suite("Hostile appliances")
  struct HostileApplianceTests {
    /// What the hostile server's row must say: the failure kind, or nil when its answer is
    /// still usable (it is then shown, escaped). A pair with one server that cannot be read, while
    /// its partner sees it serving, is a warning (exit 1); a state Kea does not have (the
    /// markup case) is critical (exit 2).
    static let expectedKind: [Hostility: CollectionFailure.Kind?] = [
      .notJSON: .malformed, .htmlErrorPage: .httpStatus, .truncatedJSON: .malformed,
      .hugeBody: .tooLarge, .oneBytePerSecond: .timeout, .wrongContentType: nil,
      .http500: .httpStatus, .http401: .unauthorized, .http404: .httpStatus,
      .result1: .commandFailed, .result2: .commandFailed, .result3: .commandFailed,
      .wrongTypes: .malformed, .hugeNumbers: nil, .oddTimestamps: nil, .markup: nil,
      .manyRelationships: .malformed, .connectionReset: .unreachable, .duplicateServerNames: nil,
    ]

    /// The finding a usable but odd answer earns instead of a failure; the run then exits 1
    /// (warning). The hostile server answers every command with the same document, so its
    /// config-get is never usable; it still joins its pair through the partner's configuration.
    static let expectedFinding: [Hostility: String] = [
      .wrongContentType: "hostile-a answered status-get but not config-get usably",
      // Int.max and Int.min are beyond what JSON numbers carry exactly: read as absent.
      .hugeNumbers: "hostile-a reports values no Kea server can have (unacked clients -5)",
      .oddTimestamps: "hostile-a reports values no Kea server can have (age -15768000000 s)",
      .duplicateServerNames: "hostile-a answered status-get but not config-get usably",
    ]

    @Test("each hostile answer degrades only its own appliance", arguments: Hostility.allCases)
    func hostile(_ hostility: Hostility) async throws {
      let simulator = try await Simulator.start([
        Scenario.healthyLoadBalancing, .hostile(hostility),
      ])
      defer { Task { await simulator.stop() } }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let (result, snapshot, page) = try Self.runJob(
        inventory: simulator.keaInventoryYAML, in: folder)
      let expected = try #require(Self.expectedKind[hostility])
      let hostile = try #require(snapshot.appliances.first { $0.name == "hostile-a" })
      #expect(hostile.failure?.kind == expected, "\(hostile.failure?.message ?? "no failure")")
      if let finding = Self.expectedFinding[hostility] {
        #expect(result.status == 1, "\(result.stdout)")
        #expect(page.contains(Self.escapedAsOnThePage(finding)), "finding not on the page")
      } else {
        // Unreadable, while its partner is in touch with it and sees it in load-balancing: it
        // serves, and only this report cannot read it, a warning (1) that names it. Read, its
        // own odd answer is judged (2).
        #expect(result.status == (expected == nil ? 2 : 1), "\(result.stdout)")
        #expect(result.stdout.contains("hostile-a"), "\(result.stdout)")
      }
      // The status line stays one line, and appliance text cannot start the perfdata early.
      #expect(result.stdout.split(separator: "\n").count == 1)
      #expect(result.stdout.components(separatedBy: "|").count == 2)
      #expect(result.stdout.count < 1000)
      // One line, and short enough to read in a table cell.
      if let message = hostile.failure?.message {
        #expect(!message.contains("\n") && message.count <= 300, "\(message)")
      }
      // The healthy pair is untouched.
      for name in ["dc1-kea-a", "dc1-kea-b"] {
        let observation = snapshot.appliances.first { $0.name == name }
        #expect(observation?.failure == nil)
        #expect(observation?.kea?.relationships.first?.local?.state == "load-balancing")
      }
      // Published, so it passed the gate; nothing from the appliance became markup.
      #expect(page.contains(">hostile-a<"))
      #expect(!page.contains("<script>alert"))
      #expect(!page.contains("<img src=x"))
      // Right-to-left overrides from the appliance cannot reorder the page's text (the
      // embedded snapshot, a data block that is never displayed, keeps them as sent).
      let displayed = page.components(separatedBy: "<script type=\"application/json\"")[0]
      #expect(!displayed.contains("\u{202E}") && !displayed.contains("\u{202C}"))
      if let message = hostile.failure?.message {
        // The reason is on the page, escaped as the page escapes text.
        let escaped = Self.escapedAsOnThePage(String(message.prefix(30)))
        #expect(page.contains(escaped), "reason not shown: \(escaped)")
      }
      #expect(Double(snapshot.durationMilliseconds) <= 10_000)
    }

    @Test("a follow-up question left unanswered is named with its reason; the status still counts")
    func partialAnswers() async throws {
      let simulator = try await Simulator.start([Scenario.partialAnswers])
      defer { Task { await simulator.stop() } }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let (result, snapshot, page) = try Self.runJob(
        inventory: simulator.keaInventoryYAML, in: folder)
      let hanging = try #require(snapshot.appliances.first { $0.name == "partial-a" })
      let refusing = try #require(snapshot.appliances.first { $0.name == "partial-b" })
      for observation in [hanging, refusing] {
        #expect(observation.failure == nil, "\(observation.failure?.message ?? "")")
        #expect(observation.kea?.relationships.first?.local?.state == "load-balancing")
      }
      #expect(hanging.kea?.configuration != nil && hanging.kea?.heartbeat == nil)
      #expect(hanging.unanswered?.map(\.command) == ["ha-heartbeat"])
      #expect(hanging.unanswered?.first?.failure.kind == .timeout)
      #expect(refusing.kea?.configuration == nil && refusing.kea?.heartbeat != nil)
      #expect(refusing.unanswered?.map(\.command) == ["config-get"])
      #expect(refusing.unanswered?.first?.failure.kind == .commandFailed)
      // The hanging command cost its appliance's timeout (3 s), not more.
      #expect(hanging.durationMilliseconds >= 2_900 && hanging.durationMilliseconds < 4_000)
      // Both servers answered status-get, so the pair is judged; the unknown configuration of
      // one is a warning (exit 1), and the page says which question went unanswered and why.
      #expect(result.status == 1, "\(result.stdout)")
      let refusal = try #require(refusing.unanswered?.first?.failure.message)
      let timeout = try #require(hanging.unanswered?.first?.failure.message)
      for text in [
        "ha-heartbeat not answered (\(timeout)): clock skew not checked",
        "config-get not answered (\(refusal)): HA settings (peers, roles, timers) unknown",
        "partial-b answered status-get but not config-get usably (\(refusal))",
      ] {
        #expect(page.contains(Self.escapedAsOnThePage(text)), "not on the page: \(text)")
      }
      // A relationship judged OK past the detail limit is one row: the note is on it too. With
      // partial-b's configuration as partial-a reported it, only the heartbeat is missing.
      var healthy = snapshot
      let indexB = try #require(healthy.appliances.firstIndex { $0.name == "partial-b" })
      healthy.appliances[indexB].kea?.configuration = hanging.kea?.configuration?.map {
        var configuration = $0
        configuration.thisServerName = "partial-b"
        return configuration
      }
      healthy.appliances[indexB].unanswered = nil
      let assessment = Assessor.assess(healthy)
      #expect(assessment.relationships.map(\.severity) == [.ok])
      let renderer = try PageRenderer(assets: .embedded, detailLimit: 0)
      let compact = try renderer.render(assessment, snapshot: healthy)
      #expect(
        PageValidator(schema: Assets.embedded.templates["schema.rng"]).validate(compact).isEmpty)
      let row = Self.escapedAsOnThePage("partial-a: ha-heartbeat not answered (\(timeout))")
      #expect(String(decoding: compact, as: UTF8.self).contains("<span class=\"note\">\(row)"))
    }

    @Test(
      "follow-ups that time out under a short timeout: named on the page, in the snapshot and in the status line, and counted"
    )
    func slowFollowUps() async throws {
      let simulator = try await Simulator.start([Scenario.slowFollowUps(seconds: 5)])
      defer { Task { await simulator.stop() } }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let file = folder.appendingPathComponent("inventory.yaml")
      try simulator.keaInventoryYAML.write(to: file, atomically: true, encoding: .utf8)
      let metrics = folder.appendingPathComponent("metrics.prom")
      let result = try TestSupport.run([
        "run", "--inventory", file.path, "--output", folder.path, "--timeout", "1",
        "--metrics", metrics.path,
      ])
      let snapshot = try Snapshot.makeDecoder().decode(
        Snapshot.self, from: Data(contentsOf: folder.appendingPathComponent("snapshot.json")))
      let page = try String(
        contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
      let slow = try #require(snapshot.appliances.first { $0.name == "slow-a" })
      #expect(slow.failure == nil)
      #expect(slow.kea?.relationships.first?.local?.state == "load-balancing")
      #expect(slow.unanswered?.map(\.command) == ["config-get", "ha-heartbeat"])
      #expect(slow.unanswered?.allSatisfy { $0.failure.kind == .timeout } == true)
      let reasons = try #require(slow.unanswered?.map(\.failure.message))
      #expect(reasons[0] == "no answer within 1 s")
      #expect(reasons[1] == "not asked: no time was left of the 1 s for this appliance")
      #expect(snapshot.appliances.first { $0.name == "slow-b" }?.unanswered == nil)
      // The configuration is unknown: a warning. The status line says which and why, and
      // counts them in its performance data.
      #expect(result.status == 1, "\(result.stdout)")
      #expect(
        result.stdout.contains(
          "; 2 follow-up questions unanswered: slow-a config-get (timeout), slow-a ha-heartbeat (timeout) |"
        ), "\(result.stdout)")
      #expect(result.stdout.contains(" unreachable=0 unanswered=2 duration="), "\(result.stdout)")
      for text in [
        "config-get not answered (\(reasons[0])): HA settings (peers, roles, timers) unknown",
        "ha-heartbeat not answered (\(reasons[1])): clock skew not checked",
      ] {
        #expect(page.contains(Self.escapedAsOnThePage(text)), "not on the page: \(text)")
      }
      let prometheus = try String(contentsOf: metrics, encoding: .utf8)
      #expect(prometheus.contains("failover_report_unanswered_questions{appliance=\"slow-a\"} 2"))
      #expect(prometheus.contains("failover_report_unanswered_questions{appliance=\"slow-b\"} 0"))
    }

    @Test("markup from an appliance never becomes an element in Chromium: no script of it ran")
    func markupInChromium() async throws {
      let simulator = try await Simulator.start([.hostile(.markup), .hostile(.result1)])
      defer { Task { await simulator.stop() } }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      var yaml = "appliances:\n"
      for (index, endpoint) in simulator.endpoints.enumerated() {
        yaml +=
          "  - {name: \(endpoint.name)-\(index), kind: kea, url: \"\(endpoint.url)\", service: dhcp4, site: \"\(Hostility.markupText.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\"", with: "\\\""))\"}\n"
      }
      let inventory = folder.appendingPathComponent("inventory.yaml")
      try yaml.write(to: inventory, atomically: true, encoding: .utf8)
      let run = try TestSupport.run([
        "run", "--inventory", inventory.path, "--output", folder.path, "--timeout", "3",
      ])
      // The result-1 server's partner still sees it serving: a warning, as in `hostile`.
      #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
      let page = folder.appendingPathComponent("index.html")
      guard let result = try BrowserTests.chromium(["--dump-dom"], page: page) else { return }
      let dom = result.stdout
      #expect(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the markup is not shown as text")
      // Only the page's own script element exists (the snapshot, a JSON data block the
      // browser never runs), and no element carries an event handler: nothing from the
      // appliance could run.
      #expect(dom.components(separatedBy: "<script").count - 1 == 1)
      #expect(dom.contains("<script type=\"application/json\" id=\"snapshot\">"))
      #expect(dom.firstMatch(of: /<[^>]*\son[a-z]+=/) == nil)
      #expect(!dom.contains("<img"))
    }

    /// Runs the job on `inventory` (3 s per appliance, 10 s in all, as the hostile tests
    /// expect) and returns its result, the snapshot it wrote and the page it published.
    static func runJob(inventory: String, in folder: URL) throws -> (
      TestSupport.Result, Snapshot, String
    ) {
      let file = folder.appendingPathComponent("inventory.yaml")
      try inventory.write(to: file, atomically: true, encoding: .utf8)
      let result = try TestSupport.run([
        "run", "--inventory", file.path, "--output", folder.appendingPathComponent("www").path,
        "--json", folder.appendingPathComponent("snapshot.json").path, "--timeout", "3",
        "--deadline", "10",
      ])
      let snapshot = try Snapshot.makeDecoder().decode(
        Snapshot.self, from: Data(contentsOf: folder.appendingPathComponent("snapshot.json")))
      let page = try String(
        contentsOf: folder.appendingPathComponent("www/index.html"), encoding: .utf8)
      return (result, snapshot, page)
    }

    /// Text as the page's templates escape it.
    static func escapedAsOnThePage(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "'", with: "&#39;")
    }
  }
}
