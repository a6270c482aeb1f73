import Assessment
import Foundation
import Publishing
import Report
import Snapshot
import Testing
import Validation

@testable import Collectors
@testable import FailoverReportCLI

/// Who is who, over the topologies operators run: real Kea 3.0.4 answers from the lab
/// (`shared/lab/kea-new`), placed at the addresses each row needs, judged as `run` judges them.
/// Each row gives the relationships' count, the worst severity, the names on the cards, the
/// appliances tied to none, and the exit code.
@Suite("Who is who: topologies")
struct IdentityTopologyTests {
  static let captures = TestSupport.shared.appendingPathComponent("lab/kea-new/captures/3.0.4")
  static let now = Date(timeIntervalSince1970: 1_796_000_000)

  /// One Kea appliance: its inventory name, site and URL, and what it answered (capture files
  /// under `captures`, with the lab's 127.0.0.1 peer URLs moved to `peerHost`), or why not.
  struct Appliance {
    var name: String
    var site: String?
    var url: String
    var status: String?
    var config: String?
    var peerHost = "127.0.0.1"
    var peerPortOffset = 0
    var failure: CollectionFailure? = nil
    var haServers: [String]? = nil
    /// A hub's second relationship: its status and config captures, told apart from the first
    /// by other names (server3, server4) and HA ports (8113, 8114).
    var second: (status: String, config: String)? = nil
  }

  static func observation(_ appliance: Appliance) throws -> ApplianceObservation {
    var observation = ApplianceObservation(
      name: appliance.name, kind: .kea, site: appliance.site, endpoint: appliance.url,
      service: "dhcp4", askedAt: now, durationMilliseconds: 2)
    observation.identity = appliance.haServers.map {
      ApplianceIdentity(serverNames: $0, source: .inventory)
    }
    if let failure = appliance.failure {
      observation.failure = failure
      observation.service = nil
      return observation
    }
    let moved = { (path: String, second: Bool) throws -> Data in
      var text = try String(
        contentsOf: captures.appendingPathComponent(path), encoding: .utf8)
      for port in [8111, 8112] {
        text = text.replacingOccurrences(
          of: "http://127.0.0.1:\(port)/",
          with:
            "http://\(appliance.peerHost):\(port + appliance.peerPortOffset + (second ? 2 : 0))/")
      }
      if second {
        text = text.replacingOccurrences(of: "server1", with: "server3")
          .replacingOccurrences(of: "server2", with: "server4")
      }
      return Data(text.utf8)
    }
    if let status = appliance.status {
      observation.kea = KeaAnswerDecoder.status(
        try KeaAnswerDecoder.answer(from: moved(status, false)))
    }
    if let config = appliance.config {
      observation.kea?.configuration = KeaAnswerDecoder.configuration(
        try KeaAnswerDecoder.answer(from: moved(config, false)))
    }
    if let second = appliance.second {
      let status = KeaAnswerDecoder.status(
        try KeaAnswerDecoder.answer(from: moved(second.status, true)))
      let configuration = KeaAnswerDecoder.configuration(
        try KeaAnswerDecoder.answer(from: moved(second.config, true)))
      observation.kea?.relationships += status.relationships
      observation.kea?.configuration? += configuration ?? []
    }
    return observation
  }

  static let refused = CollectionFailure(.unreachable, "connection refused: nothing listens there")
  static let hung = CollectionFailure(.timeout, "no answer within 3 s")

  static func healthy(_ name: String, _ server: Int, site: String?, host: String, offset: Int = 0)
    -> Appliance
  {
    Appliance(
      name: name, site: site, url: "http://\(host):\(8100 + offset + server)/",
      status: "lb/status-get.server\(server).json", config: "lb/config-get.server\(server).json",
      peerHost: host, peerPortOffset: offset)
  }

  static func survivor(_ name: String, site: String?, host: String, offset: Int = 0) -> Appliance {
    Appliance(
      name: name, site: site, url: "http://\(host):\(8101 + offset)/",
      status: "lb-failover/status-get.server1.partner-down.json",
      config: "lb-failover/config-get.server1.partner-down.json", peerHost: host,
      peerPortOffset: offset)
  }

  static func dead(
    _ name: String, site: String?, host: String, offset: Int = 0,
    failure: CollectionFailure = refused, haServers: [String]? = nil
  ) -> Appliance {
    Appliance(
      name: name, site: site, url: "http://\(host):\(8102 + offset)/", failure: failure,
      haServers: haServers)
  }

  struct Row: CustomTestStringConvertible, Sendable {
    var label: String
    var previous: [Appliance]? = nil
    var appliances: [Appliance]
    var count: Int
    var severity: Severity
    var names: [String]
    var unmatched: [String] = []
    var exit: Int32
    /// Relationships that must stay healthy.
    var untouched: [String] = []
    var testDescription: String { label }
  }

  /// kea-1 & kea-2 and kea-3 & kea-4, all on 127.0.0.1, without sites: a run before the rows
  /// that remember.
  static let twoHealthyPairsOnOneHost = [
    healthy("kea-1", 1, site: nil, host: "127.0.0.1"),
    healthy("kea-2", 2, site: nil, host: "127.0.0.1"),
    healthy("kea-3", 1, site: nil, host: "127.0.0.1", offset: 100),
    healthy("kea-4", 2, site: nil, host: "127.0.0.1", offset: 100),
  ]

  static let rows: [Row] = [
    Row(
      label: "two pairs with Kea's default names at two sites, healthy",
      appliances: [
        healthy("dc1-a", 1, site: "DC1", host: "10.1.0.1"),
        healthy("dc1-b", 2, site: "DC1", host: "10.1.0.1"),
        healthy("dc2-a", 1, site: "DC2", host: "10.2.0.1"),
        healthy("dc2-b", 2, site: "DC2", host: "10.2.0.1"),
      ], count: 2, severity: .ok, names: ["dc1-a & dc1-b", "dc2-a & dc2-b"], exit: 0),
    Row(
      label: "two pairs with the same names, one server of the second killed",
      appliances: [
        healthy("dc1-a", 1, site: "DC1", host: "10.1.0.1"),
        healthy("dc1-b", 2, site: "DC1", host: "10.1.0.1"),
        survivor("dc2-a", site: "DC2", host: "10.2.0.1"),
        dead("dc2-b", site: "DC2", host: "10.2.0.1"),
      ], count: 2, severity: .critical, names: ["dc1-a & dc1-b", "dc2-a & dc2-b"], exit: 2),
    Row(
      label: "two pairs with the same names on one host, no sites, the second's survivor alone",
      appliances: [
        healthy("kea-1", 1, site: nil, host: "127.0.0.1"),
        healthy("kea-2", 2, site: nil, host: "127.0.0.1"),
        survivor("kea-3", site: nil, host: "127.0.0.1", offset: 100),
      ], count: 2, severity: .critical, names: ["kea-1 & kea-2", "kea-3 & server2"], exit: 2),
    Row(
      label: "one side in the inventory, its partner healthy",
      appliances: [healthy("kea-1", 1, site: "DC1", host: "127.0.0.1")],
      count: 1, severity: .ok, names: ["kea-1 & server2"], exit: 0),
    Row(
      label: "one side in the inventory, its partner down",
      appliances: [survivor("kea-1", site: "DC1", host: "127.0.0.1")],
      count: 1, severity: .critical, names: ["kea-1 & server2"], exit: 2),
    Row(
      label: "both in the inventory, the partner's control socket hung while it serves",
      appliances: [
        healthy("kea-1", 1, site: "DC1", host: "127.0.0.1"),
        dead("kea-2", site: "DC1", host: "127.0.0.1", failure: hung),
      ], count: 1, severity: .warning, names: ["kea-1 & kea-2"], exit: 1),
    Row(
      label: "a dead server behind a dedicated HA listener, first run, its own host",
      appliances: [
        survivor("kea-1", site: nil, host: "10.0.0.1"),
        Appliance(name: "kea-2", url: "http://10.0.0.1:8000/", failure: refused),
      ], count: 1, severity: .critical, names: ["kea-1 & kea-2"], exit: 2),
    Row(
      label: "two dead servers behind listeners on one host, told apart by site",
      appliances: [
        survivor("dc1-a", site: "DC1", host: "127.0.0.1"),
        dead("dc1-b", site: "DC1", host: "127.0.0.1"),
        survivor("dc2-a", site: "DC2", host: "127.0.0.1", offset: 100),
        dead("dc2-b", site: "DC2", host: "127.0.0.1", offset: 100),
      ], count: 2, severity: .critical, names: ["dc1-a & dc1-b", "dc2-a & dc2-b"], exit: 2),
    Row(
      label: "two dead servers on one host, nothing to tell them apart: unmatched, said once",
      appliances: [
        survivor("kea-1", site: nil, host: "127.0.0.1"),
        dead("kea-2", site: nil, host: "127.0.0.1"),
        survivor("kea-3", site: nil, host: "127.0.0.1", offset: 100),
        dead("kea-4", site: nil, host: "127.0.0.1", offset: 100),
      ], count: 2, severity: .critical, names: ["kea-1 & server2", "kea-3 & server2"],
      unmatched: ["kea-2", "kea-4"], exit: 2),
    Row(
      label: "the same, after a healthy run: each is known by what it said then",
      previous: twoHealthyPairsOnOneHost,
      appliances: [
        survivor("kea-1", site: nil, host: "127.0.0.1"),
        dead("kea-2", site: nil, host: "127.0.0.1"),
        survivor("kea-3", site: nil, host: "127.0.0.1", offset: 100),
        dead("kea-4", site: nil, host: "127.0.0.1", offset: 100),
      ], count: 2, severity: .critical, names: ["kea-1 & kea-2", "kea-3 & kea-4"], exit: 2),
    Row(
      label: "an appliance renamed in the inventory between runs, then killed",
      previous: twoHealthyPairsOnOneHost,
      appliances: [
        healthy("kea-1", 1, site: nil, host: "127.0.0.1"),
        healthy("kea-2", 2, site: nil, host: "127.0.0.1"),
        survivor("kea-3", site: nil, host: "127.0.0.1", offset: 100),
        dead("dc9-kea-b", site: nil, host: "127.0.0.1", offset: 100),
      ], count: 2, severity: .critical, names: ["kea-1 & kea-2", "kea-3 & dc9-kea-b"], exit: 2),
    Row(
      label: "a dead server asked at a management address its partner does not know",
      appliances: [
        survivor("kea-1", site: nil, host: "10.0.0.1"),
        Appliance(name: "kea-2", url: "http://192.0.2.12:8000/", failure: refused),
      ], count: 1, severity: .critical, names: ["kea-1 & server2"], unmatched: ["kea-2"],
      exit: 2),
    Row(
      label: "the same, with ha-servers in its inventory entry",
      appliances: [
        survivor("kea-1", site: nil, host: "10.0.0.1"),
        Appliance(
          name: "kea-2", url: "http://192.0.2.12:8000/", failure: refused,
          haServers: ["server2"]),
      ], count: 1, severity: .critical, names: ["kea-1 & kea-2"], exit: 2),
  ]

  /// Hub-and-spoke in hot-standby (Kea 2.6+): the hub is the standby of two primaries, server2
  /// beside server1 and server4 beside server3; the second spoke is dead and the hub has taken
  /// over its clients.
  static let deadSpoke = Row(
    label: "hub-and-spoke, one spoke dead: its relationship critical, the other untouched",
    appliances: [
      Appliance(
        name: "lab-hub", site: nil, url: "http://127.0.0.1:8102/",
        status: "hs/status-get.server2.json", config: "hs/config-get.server2.json",
        second: (
          "hs/status-get.server2.partner-down.json", "hs/config-get.server2.partner-down.json"
        )
      ),
      Appliance(
        name: "lab-spoke1", site: nil, url: "http://127.0.0.1:8101/",
        status: "hs/status-get.server1.json", config: "hs/config-get.server1.json"),
      Appliance(name: "lab-spoke2", url: "http://127.0.0.1:8103/", failure: refused),
    ], count: 2, severity: .critical, names: ["lab-spoke1 & lab-hub", "lab-spoke2 & lab-hub"],
    exit: 2, untouched: ["lab-spoke1 & lab-hub"])

  /// The row's run, as `run` makes it: what each appliance answered, and what those that
  /// cannot say who they are said in the run before, when the row has one.
  static func snapshot(_ row: Row) throws -> Snapshot {
    var observations = try row.appliances.map(Self.observation)
    if let previous = row.previous {
      let before = Snapshot(
        generator: "t", collectedAt: now.addingTimeInterval(-300), durationMilliseconds: 1,
        inventoryDigest: "x", appliances: try previous.map(Self.observation))
      observations = RememberedIdentities.apply(to: observations, previous: before)
    }
    return Snapshot(
      generator: "t", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "x",
      appliances: observations)
  }

  @Test("each topology", arguments: rows + [deadSpoke])
  func topology(_ row: Row) throws {
    let assessment = Assessor.assess(try Self.snapshot(row))
    #expect(assessment.relationships.count == row.count)
    #expect(assessment.severity == row.severity)
    #expect(assessment.relationships.map(\.name).sorted() == row.names)
    #expect(assessment.unmatchedAppliances.map(\.name).sorted() == row.unmatched)
    #expect(ExitStatus(assessment).rawValue == row.exit)
    // Every appliance of the inventory is on one card per relationship it answers for (a
    // hub on two), or said to be on none.
    let shown = assessment.relationships.flatMap(\.servers).compactMap(\.appliance)
    for appliance in row.appliances {
      let places = shown.count { $0 == appliance.name }
      let expected = row.unmatched.contains(appliance.name) ? 0 : appliance.second == nil ? 1 : 2
      #expect(places == expected, "\(appliance.name) is shown \(places) times")
    }
    for name in row.untouched {
      let relationship = assessment.relationships.first { $0.name == name }
      #expect(relationship?.severity == .ok, "\(name): \(relationship?.summary ?? "absent")")
    }
    let line = StatusLine.make(assessment, status: ExitStatus(assessment), durationSeconds: 0)
    #expect(!line.contains("unavailable"), "\(line)")
    for name in row.unmatched { #expect(line.contains(name), "\(line)") }
  }

  @Test(
    "a page with unmatched appliances, HA names and identity notes passes the gate and says each once"
  )
  func pageThroughTheGate() throws {
    let unmatched = try #require(Self.rows.first { !$0.unmatched.isEmpty })
    let remembered = try #require(Self.rows.first { $0.previous != nil })
    for row in [unmatched, remembered] {
      let snapshot = try Self.snapshot(row)
      let assessment = Assessor.assess(snapshot)
      let bytes = try PageRenderer(assets: .embedded).render(assessment, snapshot: snapshot)
      let problems = PageValidator(schema: Assets.embedded.templates["schema.rng"]).validate(bytes)
      #expect(problems.isEmpty, "\(row.label): \(problems)")
      let page = String(decoding: bytes, as: UTF8.self)
      #expect(page.contains("HA servers server1 &amp; server2"), "\(row.label)")
      for name in row.unmatched {
        #expect(page.components(separatedBy: "<strong>\(name)</strong>").count == 2, "\(name)")
      }
      #expect(!page.contains(">not in the inventory<"))
      // The email and the text lines (-v, the email's text part) name them too, once each.
      let email = String(
        decoding: try PageRenderer(assets: .embedded).renderEmail(
          assessment, page: .attached(name: "index.html")), as: UTF8.self)
      let lines = TextSummary.lines(assessment)
      for name in row.unmatched {
        #expect(email.components(separatedBy: "<strong>\(name)</strong>").count == 2, "\(name)")
        #expect(lines.count { $0.hasPrefix("UNKNOWN: \(name) is tied to no relationship: ") } == 1)
      }
      if row.previous != nil { #expect(page.contains("known by its own answer of ")) }
    }
  }
}
