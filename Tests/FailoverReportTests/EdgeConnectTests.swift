import Collectors
import Foundation
import Simulator
import Snapshot
import Testing

@testable import Collectors

/// EdgeConnect over HTTP: the configurable failover-state source and the appliance's
/// `GET /deployment`, both served by the simulator on 127.0.0.1.
@Suite("EdgeConnect API")
struct EdgeConnectTests {
  private func gather(_ simulator: Simulator, keyFile: String?, extra: String = "")
    async throws -> [ApplianceObservation]
  {
    var yaml = "appliances:\n"
    for member in simulator.edgeConnect?.members ?? [] {
      yaml += """
          - name: \(member.appliance)
            kind: edgeconnect
            url: \(simulator.edgeConnectStateURL)
            deployment: \(simulator.edgeConnectDeploymentURL(member.appliance))

        """
      if let keyFile { yaml += "    api-key-file: \(keyFile)\n" }
      yaml += extra
    }
    let inventory = try Inventory.parse(yaml, file: "inventory.yaml")
    return await Gatherer(settings: CollectionSettings(timeout: 3), environment: [:]).collect(
      inventory)
  }

  @Test(
    "the state rows and the deployment make the failover table: states, times, role, MCLT, timers")
  func rowsAndDeployment() async throws {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    let group = SimulatedEdgeConnect.demo(now: now)
    let simulator = try await Simulator.start([], edgeConnect: group)
    defer { Task { await simulator.stop() } }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let keyFile = folder.appendingPathComponent("edge.key")
    try "demo-edge-key\n".write(to: keyFile, atomically: true, encoding: .utf8)
    let observations = try await gather(simulator, keyFile: keyFile.path)
    #expect(observations.count == 2)
    for (observation, member) in zip(observations, group.members) {
      #expect(observation.failure == nil, "\(observation.failure?.message ?? "")")
      let peer = try #require(observation.failoverPeers?.first)
      #expect(observation.failoverPeers?.count == 1, "only the appliance's own row")
      #expect(peer.name == "LAN1")
      #expect(peer.myState == "normal")
      #expect(peer.partnerState == "normal")
      #expect(peer.myStateTime == group.since)
      #expect(peer.partnerStateTime == group.since)
      #expect(peer.role == member.role)
      #expect(peer.mclt == 3600)
      #expect(peer.maxResponseDelay == 60)
      #expect(observation.exchanges.map(\.command) == ["failover-state", "deployment"])
      // The key is sent, never kept.
      #expect(!observation.exchanges.contains { $0.body.contains("demo-edge-key") })
    }
  }

  @Test("a wrong or missing API key is an 'unauthorized' appliance with its reason")
  func wrongKey() async throws {
    let simulator = try await Simulator.start([], edgeConnect: .demo(now: Date()))
    defer { Task { await simulator.stop() } }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let keyFile = folder.appendingPathComponent("edge.key")
    try "not-the-key".write(to: keyFile, atomically: true, encoding: .utf8)
    for observation in try await gather(simulator, keyFile: keyFile.path)
      + (try await gather(simulator, keyFile: nil))
    {
      #expect(observation.failure?.kind == .unauthorized)
      #expect(observation.failure?.message == "HTTP 401: the credentials were refused")
      #expect(observation.failoverPeers == nil)
    }
  }

  @Test("rows in the table's spelling or camelCase, times as text, seconds or milliseconds")
  func rowSpellings() throws {
    let json = """
      [{"Appliance": "e1", "Failover Group Name": "LAN0", "My State": "Communications-Interrupted",
        "My State Time": "2026-11-21 10:00:00", "Partner State": "Unknown",
        "Partner State Time": 1795300000000, "MCLT": "3600 s"},
       {"appliance": "e2", "failover_group_name": "LAN0", "my_state": "Normal",
        "my_state_time": 1795300000, "partner_state": "Normal", "mclt": 60}]
      """
    let rows = try EdgeConnectCollector.rows(from: Data(json.utf8), appliance: "e1")
    #expect(rows.count == 1)
    #expect(rows.first?.myState == "communications-interrupted")
    #expect(rows.first?.partnerState == "unknown")
    #expect(rows.first?.myStateTime == Date(timeIntervalSince1970: 1_795_255_200))
    #expect(rows.first?.partnerStateTime == Date(timeIntervalSince1970: 1_795_300_000))
    #expect(rows.first?.mclt == 3600)
    let other = try EdgeConnectCollector.rows(from: Data(json.utf8), appliance: "e2")
    #expect(other.first?.myStateTime == Date(timeIntervalSince1970: 1_795_300_000))
    for bad in ["<html>error</html>", "{\"status\": \"ok\"}", "[]", "42"] {
      #expect(throws: CollectionFailure.self) {
        try EdgeConnectCollector.rows(from: Data(bad.utf8), appliance: "e1")
      }
    }
    #expect(throws: CollectionFailure.self) {
      try EdgeConnectCollector.deployment(from: Data("{\"sysConfig\": {}}".utf8))
    }
  }
}
