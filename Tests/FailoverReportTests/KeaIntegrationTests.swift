import Assessment
import AsyncHTTPClient
import Collectors
import Foundation
import NIOCore
import Snapshot
import Testing

extension ExternalProcesses {
  /// Collection and assessment against real Kea 2.2 daemons on 127.0.0.1, through the same code
  /// path as `run`. Without Kea installed they are skipped with a message; where CI=true a
  /// missing Kea is a failure.
  @Suite("Real Kea 2.2", .serialized)
  struct KeaIntegrationTests {
    /// Starts a lab, or records why it cannot (a failure under CI) and returns nil.
    static func lab(
      _ template: String, agent: String = "ctrl-agent.json", servers: [String],
      substitutions: [String: String] = [:]
    ) throws -> KeaLab? {
      do {
        let lab = try KeaLab(
          template: template, agentTemplate: agent, servers: servers, substitutions: substitutions)
        try lab.startAll()
        return lab
      } catch let missing as KeaLab.Missing {
        TestSupport.skip(missing.description)
        return nil
      }
    }

    /// One collection of the lab's servers, assessed, as `run` would do it.
    static func assess(
      _ lab: KeaLab, servers: [String], username: String? = nil, environment: [String: String] = [:]
    ) async -> (Assessment, Snapshot) {
      let entries = servers.map { server in
        var entry = ApplianceEntry(name: server, kind: .kea)
        entry.url = URL(string: lab.url(server))
        entry.service = "dhcp4"
        if let username {
          entry.username = username
          entry.password = .environment("KEA_TEST_PASSWORD")
        }
        return entry
      }
      let now = Date()
      let observations = await Gatherer(
        settings: CollectionSettings(timeout: 3, concurrency: 8, deadline: 10),
        environment: environment
      ).collect(Inventory(file: "test", appliances: entries))
      let snapshot = Snapshot(
        generator: "test", collectedAt: now, durationMilliseconds: 0, inventoryDigest: "test",
        appliances: observations)
      return (Assessor.assess(snapshot), snapshot)
    }

    /// Polls until `condition` holds or 45 s pass, returning the last assessment and every
    /// (server, state) seen on the way.
    static func waitFor(
      _ lab: KeaLab, servers: [String], username: String? = nil,
      environment: [String: String] = [:],
      _ condition: (Assessment) -> Bool
    ) async throws -> (Assessment, [String]) {
      let deadline = Date().addingTimeInterval(45)
      var seen: [String] = []
      while true {
        let (assessment, _) = await assess(
          lab, servers: servers, username: username, environment: environment)
        for server in assessment.relationships.flatMap(\.servers) where server.stateSource == "own"
        {
          let entry = "\(server.name)=\(server.state ?? "")"
          if seen.last(where: { $0.hasPrefix(server.name + "=") }) != entry { seen.append(entry) }
        }
        if ProcessInfo.processInfo.environment["KEA_TEST_TRACE"] != nil {
          print(
            "trace \(Date()) \(seen.suffix(3)) \(assessment.relationships.flatMap(\.servers).map { "\($0.name):\($0.state ?? "-"):\($0.reason ?? "")" })"
          )
        }
        if condition(assessment) { return (assessment, seen) }
        if Date() > deadline {
          Issue.record("timed out waiting; states seen: \(seen)")
          return (assessment, seen)
        }
        try await Task.sleep(for: .milliseconds(200))
      }
    }

    static func server(_ assessment: Assessment, _ name: String) -> ServerAssessment? {
      assessment.relationships.flatMap(\.servers).first { $0.name == name }
    }

    static func states(_ assessment: Assessment, _ expected: [String: String]) -> Bool {
      expected.allSatisfy { name, state in
        guard let server = server(assessment, name) else { return false }
        return server.state == state && server.stateSource == "own"
      }
    }

    @Test("load-balancing: healthy, one server killed and taken over, then recovered")
    func loadBalancingLifecycle() async throws {
      guard let lab = try Self.lab("lb.dhcp4.json", servers: ["server1", "server2"]) else { return }
      defer { lab.stopAll() }
      let servers = ["server1", "server2"]

      // Healthy: both in load-balancing, each serving its own scope, heartbeats answered.
      let (healthy, _) = try await Self.waitFor(lab, servers: servers) { assessment in
        Self.states(assessment, ["server1": "load-balancing", "server2": "load-balancing"])
          && assessment.relationships.first?.servers.allSatisfy { $0.heartbeatStatus == .ok }
            == true
      }
      #expect(healthy.relationships.count == 1)
      let pair = try #require(healthy.relationships.first)
      #expect(pair.severity == .ok)
      #expect(pair.mode == "load-balancing")
      #expect(pair.servers.map(\.name) == servers)
      #expect(Self.server(healthy, "server1")?.scopes == ["server1"])
      #expect(Self.server(healthy, "server2")?.scopes == ["server2"])
      #expect(pair.servers.allSatisfy { $0.controlStatus == .online && $0.statusAgeSeconds != nil })

      // server2's daemon dies; its agent stays up and answers result 1.
      lab.kill("server2.dhcp4")
      let (down, seen) = try await Self.waitFor(lab, servers: servers) { assessment in
        Self.server(assessment, "server1")?.state == "partner-down"
      }
      #expect(seen.contains("server1=communication-recovery"), "\(seen)")
      let survivor = try #require(Self.server(down, "server1"))
      #expect(survivor.scopes == ["server1", "server2"])
      let dead = try #require(Self.server(down, "server2"))
      #expect(dead.controlStatus == .offline)
      #expect(dead.reason?.contains("unable to forward command to the dhcp4 service") == true)
      #expect(dead.heartbeatStatus == .failed)
      #expect(down.relationships.first?.severity == .critical)

      // Restarted: both back to load-balancing, healthy again.
      try lab.startDaemon("server2")
      let (recovered, recoverySeen) = try await Self.waitFor(lab, servers: servers) { assessment in
        Self.states(assessment, ["server1": "load-balancing", "server2": "load-balancing"])
      }
      #expect(recovered.relationships.first?.severity == .ok, "\(recoverySeen)")
    }

    @Test("maintenance: partner-in-maintenance and in-maintenance are planned, not failures")
    func maintenance() async throws {
      guard let lab = try Self.lab("lb.dhcp4.json", servers: ["server1", "server2"]) else { return }
      defer { lab.stopAll() }
      let servers = ["server1", "server2"]
      _ = try await Self.waitFor(lab, servers: servers) {
        Self.states($0, ["server1": "load-balancing", "server2": "load-balancing"])
      }
      var request = HTTPClientRequest(url: lab.url("server1"))
      request.method = .POST
      request.headers.add(name: "Content-Type", value: "application/json")
      request.body = .bytes(
        ByteBuffer(string: #"{"command":"ha-maintenance-start","service":["dhcp4"]}"#))
      let body = try await TestSupport.withHTTPClient { client in
        let response = try await client.execute(request, timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 1 << 16))
      }
      #expect(body.contains("\"result\": 0"), "\(body)")
      let (assessment, _) = try await Self.waitFor(lab, servers: servers) {
        Self.states($0, ["server1": "partner-in-maintenance", "server2": "in-maintenance"])
      }
      let pair = try #require(assessment.relationships.first)
      #expect(pair.severity == .warning)
      #expect(Self.server(assessment, "server2")?.scopes == [])
      #expect(
        Self.server(assessment, "server2")?.summary.contains("can be shut down safely") == true)
    }

    @Test(
      "hot-standby with a backup, behind basic auth: the backup is asked directly; no secret leaks")
    func hotStandbyWithBackup() async throws {
      let servers = ["server1", "server2", "server3"]
      guard let lab = try Self.lab("hs.dhcp4.json", agent: "ctrl-agent-auth.json", servers: servers)
      else {
        return
      }
      defer { lab.stopAll() }
      let environment = ["KEA_TEST_PASSWORD": "lab-secret"]
      let (assessment, _) = try await Self.waitFor(
        lab, servers: servers, username: "admin", environment: environment
      ) {
        Self.states($0, ["server1": "hot-standby", "server2": "hot-standby", "server3": "backup"])
      }
      #expect(assessment.relationships.count == 1)
      let relationship = try #require(assessment.relationships.first)
      #expect(relationship.severity == .ok)
      #expect(relationship.servers.map(\.role) == ["primary", "standby", "backup"])
      #expect(Self.server(assessment, "server3")?.controlStatus == .online)
      #expect(
        Self.server(assessment, "server2")?.scopesNote?.contains("hot-standby standby") == true)
      let (_, snapshot) = await Self.assess(
        lab, servers: servers, username: "admin", environment: environment)
      let json = String(decoding: try Snapshot.makeEncoder().encode(snapshot), as: UTF8.self)
      #expect(json.contains("basic-auth-password"))
      #expect(!json.contains("ha-secret"))
      #expect(!json.contains("lab-secret"))

      // Wrong password, asked alone: 401, and nothing says which HA server it is, so it is
      // listed once with that reason, not as a relationship.
      let (refused, _) = await Self.assess(
        lab, servers: ["server1"], username: "admin", environment: ["KEA_TEST_PASSWORD": "wrong"])
      #expect(refused.relationships.isEmpty)
      #expect(refused.unmatchedAppliances.map(\.name) == ["server1"])
      #expect(refused.unmatchedAppliances.first?.reason.contains("HTTP 401") == true)
    }

    /// Two real Kea 2.2 pairs with the default names (server1, server2) at two sites, asked
    /// through their Control Agents (2.2's HA talks through them too; it has no listener of its
    /// own, and its status-get names no server): two relationships, never one; one side of a
    /// healthy pair in the inventory stays healthy; a killed server is named by its appliance
    /// in its own pair, and the other pair is untouched.
    @Test(
      "two pairs with Kea's default names at two sites, one side in the inventory, one server killed"
    )
    func twoSitesDefaultNames() async throws {
      typealias Live = NewKeaIntegrationTests
      guard let north = try Self.lab("lb.dhcp4.json", servers: ["server1", "server2"]) else {
        return
      }
      defer { north.stopAll() }
      guard let south = try Self.lab("lb.dhcp4.json", servers: ["server1", "server2"]) else {
        return
      }
      defer { south.stopAll() }
      func entry(_ name: String, _ lab: KeaLab, _ server: String, site: String) -> ApplianceEntry {
        var entry = Live.entry(name, url: lab.url(server), service: "dhcp4")
        entry.site = site
        return entry
      }
      let all = [
        entry("north-a", north, "server1", site: "NORTH"),
        entry("north-b", north, "server2", site: "NORTH"),
        entry("south-a", south, "server1", site: "SOUTH"),
        entry("south-b", south, "server2", site: "SOUTH"),
      ]
      let normal = "load-balancing"
      let healthy = try await Live.waitFor(all, lab: north) {
        Live.states(
          $0, ["north-a": normal, "north-b": normal, "south-a": normal, "south-b": normal])
      }
      #expect(healthy.relationships.count == 2)
      #expect(
        Set(healthy.relationships.map(\.name)) == ["north-a & north-b", "south-a & south-b"])
      #expect(healthy.severity == .ok, "\(Live.described(healthy))")
      #expect(healthy.unmatchedAppliances.isEmpty)

      // One side of the north pair: its partner seen through it, never a scope nobody serves.
      let oneSide = try await Live.waitFor([all[0], all[2], all[3]], lab: north) {
        let north = $0.relationships.first { $0.name.hasPrefix("north-a") }
        #expect(!(north?.findings.contains { $0.code == "scope-gap" } ?? false))
        return north?.servers.allSatisfy { $0.state == normal } == true
      }
      #expect(oneSide.relationships.count == 2)
      #expect(oneSide.severity == .ok, "\(Live.described(oneSide))")
      #expect(oneSide.unmatchedAppliances.isEmpty)

      // South's server2 killed (its agent still answers): south critical, the dead server is
      // south-b's; north still healthy.
      south.kill("server2.dhcp4")
      let down = try await Live.waitFor(all, lab: south) {
        Live.states($0, ["south-a": "partner-down"])
      }
      #expect(down.relationships.count == 2)
      #expect(down.unmatchedAppliances.isEmpty, "\(down.unmatchedAppliances.map(\.reason))")
      let southPair = try #require(down.relationships.first { $0.name == "south-a & south-b" })
      #expect(southPair.severity == .critical)
      #expect(southPair.servers.first { $0.name == "server2" }?.appliance == "south-b")
      let northPair = try #require(down.relationships.first { $0.name == "north-a & north-b" })
      #expect(northPair.severity == .ok, "\(northPair.summary)")
    }

    @Test("no service sent to a real Kea 2.2 Control Agent: its own answer is recognised")
    func agentAskedWithoutService() async throws {
      guard let lab = try Self.lab("lb.dhcp4.json", servers: ["server1", "server2"]) else { return }
      defer { lab.stopAll() }
      try await KeaLab.waitUntilListening(port: lab.ports["server1"] ?? 0)
      var entry = ApplianceEntry(name: "server1", kind: .kea)
      entry.url = URL(string: lab.url("server1"))
      let observations = await Gatherer(
        settings: CollectionSettings(timeout: 3, concurrency: 1, deadline: 10), environment: [:]
      ).collect(Inventory(file: "test", appliances: [entry]))
      let failure = try #require(observations.first?.failure)
      #expect(failure.kind == .notConfigured)
      #expect(failure.message == KeaControlSocketTests.agentAnsweredForItself)
    }

    @Test("passive-backup: the active server and its backups")
    func passiveBackup() async throws {
      let servers = ["server1", "server2", "server3"]
      let started = Date()
      guard let lab = try Self.lab("pb.dhcp4.json", servers: servers) else { return }
      if ProcessInfo.processInfo.environment["KEA_TEST_TRACE"] != nil {
        print("trace lab started in \(Date().timeIntervalSince(started)) s")
      }
      defer { lab.stopAll() }
      let (assessment, _) = try await Self.waitFor(lab, servers: servers) {
        Self.states($0, ["server1": "passive-backup", "server2": "backup", "server3": "backup"])
      }
      let relationship = try #require(assessment.relationships.first)
      #expect(assessment.relationships.count == 1)
      #expect(relationship.mode == "passive-backup")
      #expect(relationship.severity == .ok)
      #expect(
        Self.server(assessment, "server1")?.summary.contains("sends lease updates to its backups")
          == true)
    }
  }
}
