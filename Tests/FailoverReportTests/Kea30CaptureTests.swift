import Assessment
import AsyncHTTPClient
import Foundation
import Simulator
import Snapshot
import Templating
import Testing

@testable import Collectors

/// Real Kea 2.6.3 and 3.0.4 answers (`shared/lab/kea-new/captures`): every one decodes, and the
/// simulator's daemon socket answers in the same shapes: lists of one, `service` ignored,
/// server names, system times and clock skew that are null when the partner is not in touch,
/// `dhcp-state`, and bare-object HTTP errors.
@Suite("Kea 2.6 and 3.0 captures")
struct Kea30CaptureTests {
  static let captures = TestSupport.shared.appendingPathComponent("lab/kea-new/captures")

  static var answerFiles: [String] {
    TestSupport.files(in: captures) {
      $0.hasSuffix(".json") && !$0.contains("logs/") && !$0.contains("configs/")
    }
  }

  @Test("the captures are there when CI runs")
  func capturesPresent() {
    if TestSupport.isCI { #expect(Self.answerFiles.count > 150) }
  }

  @Test("every answer real Kea 2.6 and 3.0 gave decodes", arguments: answerFiles)
  func decodes(_ path: String) throws {
    let data = try Data(contentsOf: Self.captures.appendingPathComponent(path))
    let text = String(decoding: data, as: UTF8.self)
    let answer = try KeaAnswerDecoder.answer(from: data)
    #expect([0, 1, 2, 3, 400, 401, 403].contains(answer.result), "\(answer.result)")
    let file = (path as NSString).lastPathComponent
    // Over HTTP a command's answer is a list of one, an HTTP-level error one object; the UNIX
    // socket answers one object.
    #expect(answer.isList == (answer.result < 400 && !file.hasPrefix("unix.")), "\(path)")
    if file.hasPrefix("status-get") || file.contains(".status-get."), answer.result == 0,
      !path.contains("agent1")
    {
      let status = KeaAnswerDecoder.status(answer)
      let relationship = try #require(status.relationships.first, "\(path)")
      #expect(relationship.local?.serverName != nil, "\(path): Kea 2.6+ names itself")
      #expect(relationship.local?.state != nil)
      if let remote = relationship.remote {
        #expect(remote.serverName != nil)
        // 3.0's times are null before contact and while the partner is gone: read as absent.
        if text.contains("\"clock-skew\": null") { #expect(remote.clockSkew == nil) }
        if text.contains("\"clock-skew\": 0") { #expect(remote.clockSkew == 0) }
      }
    }
    if file.hasPrefix("config-get") || file.contains(".config-get."), answer.result == 0,
      !path.contains("ha-listener")
    {
      let configuration = try #require(KeaAnswerDecoder.configuration(answer)?.first, "\(path)")
      #expect(configuration.thisServerName != nil && configuration.peers.count >= 2)
      #expect(KeaAnswerDecoder.daemonService(answer) == "dhcp4")
    }
  }

  static func capture(_ path: String) throws -> TemplateValue {
    try SimulatorCaptureTests.capture(path, in: captures)
  }

  /// A scenario whose servers are reached on their daemons' own sockets, as in Kea 3.0.
  static func onOwnSockets(_ scenario: Scenario) -> Scenario {
    var scenario = scenario
    for index in scenario.servers.indices { scenario.servers[index].controlSocket = .daemon }
    return scenario
  }

  @Test("the simulator's daemon socket answers in Kea 3.0.4's shapes, whatever service says")
  func simulatorShapes() async throws {
    guard FileManager.default.fileExists(atPath: Self.captures.path) else {
      TestSupport.skip("shared/lab/kea-new/captures is missing")
      return
    }
    let simulator = try await Simulator.start([
      Self.onOwnSockets(.healthyLoadBalancing), Self.onOwnSockets(.partnerDown),
      Self.onOwnSockets(.hotStandbyWithBackup),
    ])
    defer { Task { await simulator.stop() } }
    let shape = SimulatorCaptureTests.shape
    try await TestSupport.withHTTPClient { client in
      let healthy = SimulatorCaptureTests.url(simulator, "dc1-kea-a")
      let status = try await SimulatorCaptureTests.post(
        client, healthy, body: #"{"command":"status-get"}"#)
      #expect(status.status == 200)
      #expect(
        shape(status.json, "") == shape(try Self.capture("3.0.4/lb/status-get.server1.json"), ""))
      // `service` is ignored, whatever it holds: one element, the daemon's own answer.
      for service in [#"["dhcp4"]"#, #"["dhcp6"]"#, #"["dhcp4","dhcp6"]"#, "[]", #""dhcp4""#] {
        let reply = try await SimulatorCaptureTests.post(
          client, healthy, body: #"{"command":"status-get","service":"# + service + "}")
        #expect(shape(reply.json, "") == shape(status.json, ""), "service \(service)")
      }
      // The survivor of a pair whose partner is gone: its times and the skew are null.
      let survivor = try await SimulatorCaptureTests.post(
        client, SimulatorCaptureTests.url(simulator, "dc3-kea-a"),
        body: #"{"command":"status-get"}"#)
      #expect(
        shape(survivor.json, "")
          == shape(
            try Self.capture("3.0.4/lb-failover/status-get.server1.partner-down.json"), ""))
      let config = try await SimulatorCaptureTests.post(
        client, healthy, body: #"{"command":"config-get"}"#)
      let answer = try KeaAnswerDecoder.answer(from: Data(config.body))
      #expect(answer.isList && answer.arguments?["hash"]?.string?.count == 64)
      #expect(KeaAnswerDecoder.configuration(answer)?.first?.thisServerName == "dc1-kea-a")

      let cases: [(url: String, body: String, contentType: String, status: Int, capture: String)] =
        [
          (
            healthy, "{}", "application/x-www-form-urlencoded", 400,
            "3.0.4/lb/error.form-content-type.server1.json"
          ),
          (
            healthy, "{not json", "application/json", 400,
            "3.0.4/lb/error.malformed-json.server1.json"
          ),
          (
            healthy, #"{"command":"no-such-command"}"#, "application/json", 200,
            "3.0.4/lb/error.unknown-command.server1.json"
          ),
          (
            healthy, #"{"arguments":{}}"#, "application/json", 200,
            "3.0.4/lb/error.missing-command.server1.json"
          ),
          (
            SimulatorCaptureTests.url(simulator, "dc2-kea-primary"), #"{"command":"status-get"}"#,
            "application/json", 401,
            "3.0.4/sockets/basic-auth.no-credentials.status-get.server1.json"
          ),
        ]
      for item in cases {
        let reply = try await SimulatorCaptureTests.post(
          client, item.url, body: item.body, contentType: item.contentType)
        #expect(reply.status == item.status, "\(item.capture)")
        #expect(
          SimulatorCaptureTests.canonical(reply.json)
            == SimulatorCaptureTests.canonical(try Self.capture(item.capture)), "\(item.capture)")
      }
    }
  }

  /// Real Kea 3.0.4 in the CI run: both servers reported load-balancing, one of them without
  /// its scope yet, while its partner still saw it in ready. A pair coming up, not a gap.
  @Test("a server that has just entered load-balancing, its scope not yet taken up: no scope-gap")
  func startingScopes() throws {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    func observation(_ name: String, _ status: String, _ config: String) throws
      -> ApplianceObservation
    {
      var kea = KeaAnswerDecoder.status(
        try KeaAnswerDecoder.answer(
          from: Data(contentsOf: Self.captures.appendingPathComponent("3.0.4/lb/" + status))))
      kea.configuration = KeaAnswerDecoder.configuration(
        try KeaAnswerDecoder.answer(
          from: Data(contentsOf: Self.captures.appendingPathComponent("3.0.4/lb/" + config))))
      return ApplianceObservation(
        name: name, kind: .kea, site: nil, endpoint: "http://127.0.0.1:810\(name.suffix(1))/",
        service: "dhcp4", askedAt: now, durationMilliseconds: 2, kea: kea)
    }
    let first = try observation(
      "kea-1", "status-get.server1.startup.t+04.64s.load-balancing.json",
      "config-get.server1.json")
    var second = try observation(
      "kea-2", "status-get.server2.startup.t+04.70s.load-balancing.json",
      "config-get.server2.json")
    #expect(first.kea?.relationships.first?.remote?.lastState == "ready")
    second.kea?.relationships[0].local?.scopes = []
    let judge = { (observations: [ApplianceObservation]) in
      Assessor.assess(
        Snapshot(
          generator: "t", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "x",
          appliances: observations))
    }
    let starting = judge([first, second])
    #expect(!starting.relationships.flatMap(\.findings).contains { $0.code == "scope-gap" })
    #expect(starting.severity == .ok)
    // Once the partner has seen it in load-balancing, a scope nobody serves is a gap.
    var settled = first
    settled.kea?.relationships[0].remote?.lastState = "load-balancing"
    let gap = judge([settled, second])
    #expect(gap.relationships.flatMap(\.findings).map(\.code).contains("scope-gap"))
    #expect(gap.severity == .critical)
  }

  /// Real Kea 2.6.3: only server1 in the inventory. Just after the pair comes up, server1 is in
  /// load-balancing and still sees server2 in ready, scopes empty, for up to one heartbeat
  /// (the live two-site test met it). A partner starting HA, not a scope nobody serves.
  @Test("one side in the inventory, its partner seen starting: no scope-gap; once settled: healthy")
  func oneSideSeenStarting() throws {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    func judge(_ status: String) throws -> Assessment {
      var kea = KeaAnswerDecoder.status(
        try KeaAnswerDecoder.answer(
          from: Data(contentsOf: Self.captures.appendingPathComponent("2.6.3/lb/" + status))))
      kea.configuration = KeaAnswerDecoder.configuration(
        try KeaAnswerDecoder.answer(
          from: Data(
            contentsOf: Self.captures.appendingPathComponent("2.6.3/lb/config-get.server1.json"))))
      let observation = ApplianceObservation(
        name: "north-a", kind: .kea, site: "NORTH", endpoint: "http://127.0.0.1:8001/",
        service: "dhcp4", askedAt: now, durationMilliseconds: 2, kea: kea)
      return Assessor.assess(
        Snapshot(
          generator: "t", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "x",
          appliances: [observation]))
    }
    let starting = try judge("status-get.server1.startup.t+04.53s.load-balancing.json")
    let partner = try #require(
      starting.relationships.first?.servers.first { $0.name == "server2" })
    #expect(partner.state == "ready" && partner.stateSource == "partner")
    #expect(!starting.relationships.flatMap(\.findings).contains { $0.code == "scope-gap" })
    #expect(starting.severity == .warning)
    let settled = try judge("status-get.server1.json")
    #expect(settled.relationships.count == 1)
    #expect(settled.severity == .ok, "\(settled.relationships.map(\.summary))")
  }
}
