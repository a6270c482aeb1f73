import Assessment
import Foundation
import Snapshot
import Testing

@testable import Collectors

/// Every answer real Kea 2.2 gave in the lab decodes, and the key situations are judged as an
/// HA expert would.
@Suite("Kea captures")
struct KeaCaptureDecodingTests {
  static let captures = TestSupport.shared.appendingPathComponent("lab/kea/captures")

  static var statusFiles: [String] {
    TestSupport.files(in: captures) {
      $0.hasSuffix(".json") && $0.contains("status-get") && !$0.contains("logs/")
    }
  }

  static var allAnswerFiles: [String] {
    TestSupport.files(in: captures) {
      $0.hasSuffix(".json") && !$0.contains("logs/") && !$0.contains("ha-part")
    }
  }

  @Test("every answer captured from Kea decodes to a result code", arguments: allAnswerFiles)
  func everyAnswerDecodes(_ path: String) throws {
    let data = try Data(contentsOf: Self.captures.appendingPathComponent(path))
    let answer = try KeaAnswerDecoder.answer(from: data)
    #expect([0, 1, 2, 3, 400, 401].contains(answer.result))
    if path.contains("config-get"), answer.result == 0, !path.contains("agent") {
      let configuration = try #require(KeaAnswerDecoder.configuration(answer)?.first)
      #expect(configuration.thisServerName != nil && !configuration.peers.isEmpty)
      #expect(configuration.heartbeatDelay != nil && configuration.maxUnackedClients != nil)
    }
    if path.contains("ha-heartbeat"), answer.result == 0 {
      let heartbeat = try #require(KeaAnswerDecoder.heartbeat(answer))
      #expect(heartbeat.dateTime != nil && heartbeat.state != nil)
    }
  }

  @Test("the captures are there when CI runs")
  func capturesPresent() {
    if TestSupport.isCI { #expect(Self.statusFiles.count > 100) }
  }

  @Test("every status-get capture decodes without losing a field", arguments: statusFiles)
  func decodes(_ path: String) throws {
    let data = try Data(contentsOf: Self.captures.appendingPathComponent(path))
    let answer = try KeaAnswerDecoder.answer(from: data)
    let status = KeaAnswerDecoder.status(answer)
    if answer.result == 0 {
      if path.contains("agent1") {
        #expect(status.relationships.isEmpty)
        return
      }
      let relationship = try #require(status.relationships.first)
      #expect(relationship.mode != nil)
      #expect(relationship.local?.state != nil)
      #expect(relationship.local?.scopes != nil)
      if let remote = relationship.remote {
        // Kea 2.2 always sends all ten keys of remote.
        #expect(remote.age != nil && remote.inTouch != nil && remote.lastScopes != nil)
        #expect(
          remote.lastState != nil && remote.role != nil && remote.communicationInterrupted != nil)
        #expect(remote.connectingClients != nil && remote.unackedClients != nil)
        #expect(remote.unackedClientsLeft != nil && remote.analyzedPackets != nil)
        // Fields Kea 2.2 does not send stay absent, never zero.
        #expect(remote.clockSkew == nil && remote.serverName == nil)
      }
    } else {
      #expect(answer.text?.isEmpty == false)
    }
  }

  static func observation(_ name: String, file: String, config: String?, askedAt: Date) throws
    -> ApplianceObservation
  {
    let answer = try KeaAnswerDecoder.answer(
      from: Data(contentsOf: captures.appendingPathComponent(file)))
    var status = KeaAnswerDecoder.status(answer)
    if let config {
      let configAnswer = try KeaAnswerDecoder.answer(
        from: Data(contentsOf: captures.appendingPathComponent(config)))
      status.configuration = KeaAnswerDecoder.configuration(configAnswer)
    }
    var observation = ApplianceObservation(
      name: name, kind: .kea, site: nil, endpoint: "http://127.0.0.1:800\(name.last ?? "0")/",
      service: "dhcp4",
      askedAt: askedAt, durationMilliseconds: 3)
    if answer.result != 0 {
      observation.failure = CollectionFailure(.commandFailed, answer.text ?? "")
    }
    observation.kea = status
    return observation
  }

  @Test("failover in progress: the survivor counts unacked clients towards partner-down")
  func failoverWithTraffic() throws {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    let survivor = try Self.observation(
      "server1",
      file: "lb-unacked/failover-with-traffic.server1.status-get.08-communication-recovery.json",
      config: "lb-unacked/normal.server1.config-get.json", askedAt: now)
    let snapshot = Snapshot(
      generator: "test", collectedAt: now, durationMilliseconds: 5, inventoryDigest: "x",
      appliances: [survivor])
    let assessment = Assessor.assess(snapshot)
    let relationship = try #require(assessment.relationships.first)
    let server1 = try #require(relationship.servers.first { $0.name == "server1" })
    let server2 = try #require(relationship.servers.first { $0.name == "server2" })
    #expect(server1.state == "communication-recovery")
    #expect(server1.controlStatus == .online)
    #expect(server2.appliance == nil)
    #expect(server2.heartbeatStatus == .failed)
    let progress = try #require(server2.failoverProgress)
    // Kea 1.9.4+: unacked + left is the threshold (max-unacked-clients + 1).
    #expect(progress.threshold == 4)
    #expect(progress.unacked.map { $0 * 100 / 4 } == progress.percent)
    #expect(relationship.severity >= .warning)
  }

  @Test(
    "partner-down with the partner's agent gone is critical, and the partner's state comes from the survivor"
  )
  func partnerDown() throws {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    let survivor = try Self.observation(
      "server1", file: "lb/lb-failover.server1.status-get.04-partner-down.json",
      config: "lb/lb-normal.server1.config-get.json", askedAt: now)
    var dead = ApplianceObservation(
      name: "server2", kind: .kea, site: nil, endpoint: "http://127.0.0.1:8002/", service: "dhcp4",
      askedAt: now,
      durationMilliseconds: 1)
    dead.failure = CollectionFailure(.unreachable, "connection refused: nothing listens there")
    let assessment = Assessor.assess(
      Snapshot(
        generator: "t", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "x",
        appliances: [survivor, dead]))
    let relationship = try #require(assessment.relationships.first)
    #expect(assessment.relationships.count == 1)
    #expect(relationship.severity == .critical)
    let server2 = try #require(relationship.servers.first { $0.name == "server2" })
    #expect(server2.appliance == "server2")
    #expect(server2.controlStatus == .offline)
    // "unavailable" is what the survivor says when it cannot reach server2, not a state
    // server2 was in.
    #expect(server2.stateSource == nil)
    #expect(server2.state == nil)
    #expect(server2.partnerViewState == "unavailable")
    #expect(server2.failoverProgress?.label.hasPrefix("failover completed") == true)
    let server1 = try #require(relationship.servers.first { $0.name == "server1" })
    #expect(server1.scopes == ["server1", "server2"])
  }

  @Test("a hot-standby standby serves no scope, and that is explained, not flagged")
  func hotStandbyStandby() throws {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    let primary = try Self.observation(
      "server1", file: "hs/hs-normal.server1.status-get.json",
      config: "hs/hs-normal.server1.config-get.json", askedAt: now)
    let standby = try Self.observation(
      "server2", file: "hs/hs-normal.server2.status-get.json",
      config: "hs/hs-normal.server2.config-get.json", askedAt: now)
    let backup = try Self.observation(
      "server3", file: "hs/hs-normal.server3.status-get.json",
      config: "hs/hs-normal.server3.config-get.json", askedAt: now)
    let assessment = Assessor.assess(
      Snapshot(
        generator: "t", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "x",
        appliances: [primary, standby, backup]))
    #expect(assessment.relationships.count == 1)
    let relationship = try #require(assessment.relationships.first)
    #expect(relationship.severity == .ok)
    #expect(relationship.servers.map(\.name) == ["server1", "server2", "server3"])
    let standbyServer = try #require(relationship.servers.first { $0.name == "server2" })
    #expect(standbyServer.scopes == [])
    #expect(standbyServer.scopesNote?.contains("hot-standby standby") == true)
    #expect(relationship.servers.allSatisfy { $0.controlStatus == .online })
  }

  @Test("history: the last failover of a server is when its partner entered partner-down")
  func lastFailoverFromHistory() throws {
    let start = Date(timeIntervalSince1970: 1_795_300_000)
    func run(_ offset: Double, _ file: String) throws -> Snapshot {
      let time = start.addingTimeInterval(offset)
      let observation = try Self.observation(
        "server1", file: file, config: "lb/lb-normal.server1.config-get.json", askedAt: time)
      return Snapshot(
        generator: "t", collectedAt: time, durationMilliseconds: 1, inventoryDigest: "x",
        appliances: [observation])
    }
    let snapshots = [
      try run(0, "lb/lb-normal.server1.status-get.json"),
      try run(300, "lb/lb-failover.server1.status-get.04-partner-down.json"),
      try run(600, "lb/lb-partner-down.server1.status-get.sample1.json"),
      try run(900, "lb/lb-recovered.server1.status-get.json"),
    ]
    let history = History.rebuild(from: snapshots)
    #expect(history.lastFailovers == ["server2": start.addingTimeInterval(300)])
    let assessment = Assessor.assess(snapshots[3], history: history)
    let server2 = try #require(
      assessment.relationships.first?.servers.first { $0.name == "server2" })
    #expect(server2.lastFailoverAt == start.addingTimeInterval(300))
    #expect(History.rebuild(from: [snapshots[0]]).lastFailovers.isEmpty)
    // An archive whose first run already sees the takeover dates it by that run; without an
    // archive nothing is dated.
    func takeoverOfServer2(_ history: History) -> Date? {
      Assessor.assess(snapshots[1], history: history).relationships.first?.servers.first {
        $0.name == "server2"
      }?.lastFailoverAt
    }
    #expect(takeoverOfServer2(History(archived: true)) == start.addingTimeInterval(300))
    #expect(
      takeoverOfServer2(History.rebuild(from: [snapshots[1]])) == start.addingTimeInterval(300))
    #expect(takeoverOfServer2(.empty) == nil)
  }
}
