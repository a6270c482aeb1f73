import Assessment
import Collectors
import Foundation
import Report
import Snapshot
import Testing

/// The rule set on the inputs a new user writes by hand (a leases file and an Orchestrator
/// export with states days old), through the real command line, and on real Kea answers.
@Suite("Judging states by their age")
struct JudgingTests {
  /// dhcpd's leases-file time: weekday, date and time in UTC.
  static func dhcpdTime(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let parts = calendar.dateComponents(
      [.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%d %04d/%02d/%02d %02d:%02d:%02d", (parts.weekday ?? 1) - 1, parts.year ?? 0,
      parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
  }

  static func exportTime(_ date: Date) -> String {
    String(Timestamp.iso(date).dropLast()).replacingOccurrences(of: "T", with: " ")
  }

  /// A folder with a secondary's leases file (recover-wait since 12 days, its partner in
  /// partner-down since 12 days and 4 hours), an Orchestrator export of one group whose two
  /// appliances disagree (one interrupted for 3 days and 90 minutes, the other seeing it in normal), and an
  /// inventory of both.
  static func handWritten(judging: String = "") throws -> (folder: URL, inventory: URL) {
    let folder = try TestSupport.temporaryFolder()
    let now = Date()
    let waitStarted = now.addingTimeInterval(-12 * 86_400)
    let downSince = now.addingTimeInterval(-(12 * 86_400 + 4 * 3600))
    let leases = """
      failover peer "branch-fo" state {
        my state recover-wait at \(dhcpdTime(waitStarted));
        partner state partner-down at \(dhcpdTime(downSince));
        mclt 3600;
      }

      """
    try leases.write(
      to: folder.appendingPathComponent("secondary.leases"), atomically: true, encoding: .utf8)
    let interrupted = now.addingTimeInterval(-(3 * 86_400 + 5400))
    let export = """
      Appliance,Failover Group Name,My State,My State Time,Partner State,Partner State Time,MCLT
      edge-east,LAN1,Communications-Interrupted,\(exportTime(interrupted)),Normal,\(exportTime(interrupted)),3600
      edge-west,LAN1,Normal,\(exportTime(interrupted)),Normal,\(exportTime(interrupted)),3600

      """
    try export.write(
      to: folder.appendingPathComponent("failover-state.csv"), atomically: true, encoding: .utf8)
    let inventory = folder.appendingPathComponent("inventory.yaml")
    try """
    \(judging)appliances:
      - name: branch-dhcp-b
        kind: dhcpd
        site: branch
        leases: secondary.leases
      - name: orchestrator
        kind: edgeconnect
        site: campus
        export: failover-state.csv

    """.write(to: inventory, atomically: true, encoding: .utf8)
    return (folder, inventory)
  }

  @Test(
    "a one-sided dhcpd view of a partner in partner-down is critical, and a wait that ended 12 days ago is stuck"
  )
  func handWrittenFiles() throws {
    let (folder, inventory) = try Self.handWritten()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("out")
    let result = try TestSupport.run([
      "run", "--inventory", inventory.path, "--output", output.path,
    ])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    let page = String(
      decoding: try TestSupport.read(output.appendingPathComponent("index.html")), as: UTF8.self)
    let snapshot = try Snapshot.makeDecoder().decode(
      Snapshot.self, from: Data(contentsOf: output.appendingPathComponent("snapshot.json")))
    let assessment = Assessor.assess(snapshot)
    let dhcpd = try #require(assessment.relationships.first { $0.name == "branch-fo" })
    #expect(dhcpd.severity == .critical)
    #expect(dhcpd.findings.map(\.code).contains("serving-alone"), "\(dhcpd.findings)")
    #expect(dhcpd.summary.contains("branch-dhcp-b's partner (as branch-dhcp-b reports it)"))
    #expect(dhcpd.summary.contains("has been in partner-down for 12 d 4 h"), "\(dhcpd.summary)")
    let stuck = try #require(dhcpd.findings.first { $0.code == "recover-wait-stuck" })
    #expect(stuck.severity == .critical)
    // The wait ended one MCLT after it began: 12 days less an hour before the snapshot.
    #expect(stuck.message.contains("11 d 23 h ago"), "\(stuck.message)")
    #expect(!page.contains("recover-wait ends"), "a past end is not shown as waiting")
    // Its end is said once, in the finding's sentence, in the page's one date format.
    #expect(page.contains("one-MCLT wait ended at 2"))
    #expect(!page.contains("recover-wait ended <time"))
    #expect(page.contains("for 12 d 4 h"))
    #expect(page.contains("Stuck in recover-wait"))

    let edge = try #require(assessment.relationships.first { $0.name == "LAN1" })
    #expect(edge.failoverRows.map(\.appliance) == ["edge-east", "edge-west"])
    #expect(edge.severity == .critical, "3 days of interruption")
    #expect(edge.findings.first?.code == "long-interruption")
    let mismatch = try #require(edge.findings.first { $0.code == "view-mismatch" })
    #expect(mismatch.message.contains("edge-east") && mismatch.message.contains("edge-west"))
    #expect(!edge.findings.contains { $0.message.contains("orchestrator") })
    #expect(page.contains("for 3 d 1 h"))

    // The page is a function of the snapshot: rendered again later, it is the same bytes.
    let again = folder.appendingPathComponent("again")
    let render = try TestSupport.run([
      "render", "--snapshot", output.appendingPathComponent("snapshot.json").path,
      "--output", again.path,
    ])
    #expect(render.status == 2, "\(render.stderr)")
    #expect(
      try TestSupport.read(again.appendingPathComponent("index.html"))
        == TestSupport.read(output.appendingPathComponent("index.html")))
  }

  @Test("the inventory's thresholds are printed by check, kept in the snapshot and used")
  func inventoryThresholds() throws {
    let (folder, inventory) = try Self.handWritten(
      judging: "judging:\n  interrupted-critical-after: 4d\n  recover-wait-grace: 30d\n")
    defer { try? FileManager.default.removeItem(at: folder) }
    let check = try TestSupport.run(["check", "--inventory", inventory.path])
    #expect(
      check.stdout.contains(
        "interrupted-critical-after: an interruption is a warning, critical after 4 d"),
      "\(check.stdout)")
    #expect(
      check.stdout.contains(
        "recover-wait-grace: a server in recover-wait is stuck 30 d after the wait ends"),
      "\(check.stdout)")
    #expect(
      check.stdout.contains(
        "transition-critical-after: a recovery or start-up step is a warning, critical after 1 h (default)"
      ), "\(check.stdout)")

    let output = folder.appendingPathComponent("out")
    let result = try TestSupport.run([
      "run", "--inventory", inventory.path, "--output", output.path,
    ])
    #expect(result.status == 2, "the partner in partner-down is still critical")
    let snapshot = try Snapshot.makeDecoder().decode(
      Snapshot.self, from: Data(contentsOf: output.appendingPathComponent("snapshot.json")))
    #expect(
      snapshot.judging
        == JudgingThresholds(interruptedCriticalAfter: 4 * 86_400, recoverWaitGrace: 30 * 86_400))
    let assessment = Assessor.assess(snapshot)
    let edge = try #require(assessment.relationships.first { $0.name == "LAN1" })
    #expect(edge.severity == .warning, "3 days is under the inventory's 4")
    #expect(edge.summary.contains("critical after 4 d"), "\(edge.summary)")
    let dhcpd = try #require(assessment.relationships.first { $0.name == "branch-fo" })
    #expect(dhcpd.findings.contains { $0.code == "recover-wait" })
    #expect(!dhcpd.findings.contains { $0.code == "recover-wait-stuck" })

    // Without the block the same snapshot is judged by the defaults.
    var plain = snapshot
    plain.judging = nil
    let defaults = Assessor.assess(plain)
    #expect(defaults.relationships.first { $0.name == "LAN1" }?.severity == .critical)
  }

  @Test("Kea: communication-recovery escalates once it has lasted past the threshold")
  func keaInterruption() throws {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    func judged(age: Int, judging: JudgingThresholds? = nil) throws -> ServerAssessment {
      var server1 = try KeaCaptureDecodingTests.observation(
        "server1", file: "lb/lb-failover.server1.status-get.03-communication-recovery.json",
        config: "lb/lb-normal.server1.config-get.json", askedAt: now)
      let remote = try #require(server1.kea?.relationships.first?.remote)
      #expect(remote.inTouch == true)
      server1.kea?.relationships[0].remote?.age = age
      let assessment = Assessor.assess(
        Snapshot(
          generator: "t", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "x",
          appliances: [server1], judging: judging))
      let relationship = try #require(assessment.relationships.first)
      return try #require(relationship.servers.first { $0.name == "server1" })
    }
    let fresh = try judged(age: 120)
    #expect(fresh.state == "communication-recovery")
    #expect(fresh.severity == .warning)
    #expect(fresh.interruptedSeconds == 120)
    let long = try judged(age: 7200)
    #expect(long.severity == .critical)
    #expect(long.summary.hasPrefix("Interrupted too long:"), "\(long.summary)")
    #expect(long.summary.contains("for 2 h"))
    let tolerant = try judged(
      age: 7200, judging: JudgingThresholds(interruptedCriticalAfter: 10_800))
    #expect(tolerant.severity == .warning)
  }
}

/// Kea reports no state times: its states are aged from the runs before.
@Suite("Kea state ages from the archive")
struct KeaStateAgeTests {
  static let start = Date(timeIntervalSince1970: 1_795_300_000)

  /// A run of the lab's server2 answer in `state` (syncing or load-balancing), `hours` after
  /// the start.
  static func run(_ hours: Double, syncing: Bool) throws -> Snapshot {
    let at = start.addingTimeInterval(hours * 3600)
    let server2 = try KeaCaptureDecodingTests.observation(
      "server2",
      file: syncing
        ? "lb/lb-ha-reset.server2.status-get.01-syncing.json"
        : "lb/lb-ha-reset.server2.status-get.02-load-balancing.json",
      config: "lb/lb-normal.server2.config-get.json", askedAt: at)
    return Snapshot(
      generator: "t", collectedAt: at, durationMilliseconds: 1, inventoryDigest: "x",
      appliances: [server2])
  }

  static func server2(_ assessment: Assessment) throws -> (RelationshipAssessment, ServerAssessment)
  {
    let relationship = try #require(assessment.relationships.first)
    return (relationship, try #require(relationship.servers.first { $0.name == "server2" }))
  }

  @Test(
    "syncing in every run for hours is stuck; a run in between that saw it healthy resets the age")
  func syncingStreak() throws {
    let earlier = try [0, 1, 2].map { try Self.run($0, syncing: true) }
    let history = History.rebuild(from: earlier)
    let now = try Self.run(3, syncing: true)
    let (relationship, server) = try Self.server2(Assessor.assess(now, history: history))
    #expect(server.state == "syncing")
    #expect(server.stateSeenSince == Self.start)
    #expect(server.stateAtLeastSeconds == 3 * 3600)
    #expect(server.severity == .critical)
    #expect(server.summary.hasPrefix("Stuck starting HA"), "\(server.summary)")
    #expect(relationship.severity == .critical)
    let page = String(
      decoding: try PageRenderer(assets: .embedded).render(
        Assessor.assess(now, history: history), snapshot: now), as: UTF8.self)
    #expect(page.contains("for at least 3 h, in every run since"))

    // Without history, the same answer is a warning with no age.
    let (_, alone) = try Self.server2(Assessor.assess(now))
    #expect(alone.severity == .warning)
    #expect(alone.stateAtLeastSeconds == nil)

    // Healthy at hour 2: the streak starts again after it, under the threshold.
    let broken = History.rebuild(
      from: [
        try Self.run(0, syncing: true), try Self.run(1, syncing: true),
        try Self.run(2, syncing: false),
      ]
        + [try Self.run(2.5, syncing: true)])
    let (_, resumed) = try Self.server2(Assessor.assess(now, history: broken))
    #expect(resumed.stateSeenSince == Self.start.addingTimeInterval(2.5 * 3600))
    #expect(resumed.severity == .warning)

    // The inventory's threshold counts: four hours tolerates three.
    var tolerant = now
    tolerant.judging = JudgingThresholds(transitionCriticalAfter: 4 * 3600)
    let (_, patient) = try Self.server2(Assessor.assess(tolerant, history: history))
    #expect(patient.severity == .warning)
  }
}
