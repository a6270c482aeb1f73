import Assessment
import Collectors
import Foundation
import Publishing
import Snapshot
import Testing

extension ExternalProcesses {
  /// Real Kea 2.6.3 (through its Control Agent, with the default dedicated HA listener) and
  /// Kea 3.0 (the daemon's own HTTP socket, with basic auth, and HTTPS with cert-required), in
  /// the chroots `.ci/kea-chroots` builds. Each test starts its own pair, reads it as `run`
  /// does, kills one server and reads it again. Without the chroots (or root) they are
  /// skipped with a message; where CI=true that is a failure.
  @Suite("Real Kea 2.6 and 3.0", .serialized)
  struct NewKeaIntegrationTests {
    static func lab(
      _ release: KeaChrootLab.Release, _ template: String,
      servers: [String] = ["server1", "server2"],
      edit: KeaChrootLab.Edit? = nil, prepare: (KeaChrootLab) throws -> Void = { _ in }
    ) throws -> KeaChrootLab? {
      do {
        let lab = try KeaChrootLab(release, template: template, servers: servers, edit: edit)
        print("Kea \(lab.version) (\(release.rawValue) chroot), \(template)")
        try prepare(lab)
        try lab.startAll()
        return lab
      } catch let missing as KeaChrootLab.Missing {
        TestSupport.skip(missing.description)
        return nil
      }
    }

    /// One collection, assessed as `run` assesses it.
    static func assess(_ entries: [ApplianceEntry], environment: [String: String] = [:]) async
      -> Assessment
    {
      let observations = await Gatherer(
        settings: CollectionSettings(timeout: 3, concurrency: 8, deadline: 10),
        environment: environment
      ).collect(Inventory(file: "test", appliances: entries))
      return Assessor.assess(
        Snapshot(
          generator: "test", collectedAt: Date(), durationMilliseconds: 0, inventoryDigest: "t",
          appliances: observations))
    }

    /// Polls until `condition` holds, or 45 s pass.
    static func waitFor(
      _ entries: [ApplianceEntry], environment: [String: String] = [:], lab: some KeaLabDiagnosing,
      _ condition: (Assessment) -> Bool
    ) async throws -> Assessment {
      let deadline = Date().addingTimeInterval(45)
      while true {
        let assessment = await assess(entries, environment: environment)
        if condition(assessment) { return assessment }
        if Date() > deadline {
          let seen = assessment.relationships.flatMap(\.servers).map {
            "\($0.appliance ?? $0.name)=\($0.state ?? "-") \($0.reason ?? "")"
          }
          Issue.record(
            "timed out waiting on \(lab.diagnosis); seen: \(seen); unmatched: \(assessment.unmatchedAppliances.map(\.reason))"
          )
          return assessment
        }
        try await Task.sleep(for: .milliseconds(250))
      }
    }

    /// Each server as the assessment judged it, for a failure's message.
    static func described(_ assessment: Assessment) -> String {
      assessment.relationships.map { relationship in
        "\(relationship.name): \(relationship.summary) "
          + relationship.servers.map {
            "[\($0.appliance ?? $0.name) \($0.state ?? "-") from \($0.stateSource ?? "-"), scopes \($0.scopes ?? []), partner saw \($0.partnerViewState ?? "-") \($0.partnerViewAgeSeconds.map(String.init) ?? "-") s]"
          }.joined(separator: " ")
      }.joined(separator: "; ")
    }

    static func states(_ assessment: Assessment, _ expected: [String: String]) -> Bool {
      expected.allSatisfy { appliance, state in
        assessment.relationships.flatMap(\.servers).contains {
          $0.appliance == appliance && $0.state == state && $0.stateSource == "own"
        }
      }
    }

    static func entry(_ name: String, url: String, service: String? = nil) -> ApplianceEntry {
      var entry = ApplianceEntry(name: name, kind: .kea)
      entry.url = URL(string: url)
      entry.service = service
      entry.site = "LAB"
      return entry
    }

    /// Healthy, then one server killed: the relationship is critical, the dead server is
    /// shown as its inventory appliance with its reason, and the count does not change.
    static func lifecycle(
      _ lab: KeaChrootLab, entries: [ApplianceEntry], environment: [String: String] = [:],
      normal: String, deadReason: String
    ) async throws {
      let names = entries.map(\.name)
      let healthy = try await waitFor(entries, environment: environment, lab: lab) {
        states($0, [names[0]: normal, names[1]: normal])
      }
      #expect(healthy.relationships.count == 1, "Kea \(lab.version)")
      #expect(
        healthy.severity == .ok,
        "Kea \(lab.version): \(healthy.relationships.map(\.summary)); \(healthy.relationships.flatMap(\.servers).map { "\($0.name) \($0.state ?? "-") scopes \($0.scopes ?? []) partner saw \($0.partnerViewState ?? "-")" })"
      )
      #expect(ExitStatus(healthy) == .ok)
      #expect(healthy.relationships.first?.name == names.joined(separator: " & "))
      #expect(healthy.relationships.first?.haName == "server1 & server2")
      #expect(healthy.unmatchedAppliances.isEmpty)
      // The same through the command line, as cron runs it: exit code and status line.
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let inventory = folder.appendingPathComponent("inventory.yaml")
      try Data(yaml(entries).utf8).write(to: inventory)
      let run = {
        try TestSupport.run(
          [
            "run", "--inventory", inventory.path, "--output",
            folder.appendingPathComponent("www").path, "--timeout", "3",
          ], environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
      }
      let healthyRun = try run()
      #expect(healthyRun.status == 0, "\(healthyRun.stdout)\(healthyRun.stderr)")
      #expect(healthyRun.stdout.hasPrefix("FAILOVER OK - the one relationship healthy"))

      lab.kill("server2.dhcp4")
      let down = try await waitFor(entries, environment: environment, lab: lab) {
        states($0, [names[0]: "partner-down"])
      }
      #expect(down.relationships.count == 1, "Kea \(lab.version)")
      #expect(down.unmatchedAppliances.isEmpty, "\(down.unmatchedAppliances.map(\.reason))")
      #expect(ExitStatus(down) == .critical)
      let relationship = try #require(down.relationships.first)
      #expect(relationship.severity == .critical)
      #expect(relationship.name == names.joined(separator: " & "))
      let dead = try #require(relationship.servers.first { $0.name == "server2" })
      #expect(dead.appliance == names[1])
      #expect(dead.reason?.contains(deadReason) == true, "\(dead.reason ?? "")")
      #expect(dead.state == nil, "unavailable is not a state")
      #expect(dead.partnerViewState == "unavailable")
      let line = StatusLine.make(down, status: ExitStatus(down), durationSeconds: 0)
      #expect(line.contains("1 of 1 relationship critical: \(names[0]) & \(names[1]) at LAB"))
      #expect(!line.contains("unavailable"), "\(line)")
      let downRun = try run()
      #expect(downRun.status == 2, "\(downRun.stdout)\(downRun.stderr)")
      #expect(
        downRun.stdout.hasPrefix(
          "FAILOVER CRITICAL - 1 of 1 relationship critical: \(names[0]) & \(names[1]) at LAB"),
        "\(downRun.stdout)")
    }

    /// The inventory `run` reads for `entries`.
    static func yaml(_ entries: [ApplianceEntry]) -> String {
      var text = "appliances:\n"
      for entry in entries {
        text +=
          "  - name: \(entry.name)\n    kind: kea\n    url: \(entry.url?.absoluteString ?? "")\n"
        if let site = entry.site { text += "    site: \(site)\n" }
        if let service = entry.service { text += "    service: \(service)\n" }
        if let username = entry.username { text += "    username: \(username)\n" }
        if case .environment(let name)? = entry.password { text += "    password-env: \(name)\n" }
        if let file = entry.caFile { text += "    ca-file: \(file)\n" }
        if let file = entry.certFile { text += "    cert-file: \(file)\n" }
        if let file = entry.keyFile { text += "    key-file: \(file)\n" }
      }
      return text
    }

    @Test("Kea 2.6 through its Control Agent, dedicated HA listener: healthy, then a server killed")
    func kea26() async throws {
      guard let lab = try Self.lab(.kea26, "dhcp4-lb.json") else { return }
      defer { lab.stopAll() }
      #expect(lab.version.hasPrefix("2.6"))
      try await Self.lifecycle(
        lab,
        entries: [
          Self.entry("lab-kea26-a", url: lab.url("server1"), service: "dhcp4"),
          Self.entry("lab-kea26-b", url: lab.url("server2"), service: "dhcp4"),
        ], normal: "load-balancing", deadReason: "unable to forward command to the dhcp4 service")
    }

    /// The lab's 2.6 load-balancing template made a hot-standby pair: server2 the standby, one
    /// pool that only the active server serves.
    static func hotStandby(_ lab: KeaChrootLab, _ server: String, _ object: inout [String: Any]) {
      guard var hooks = object["hooks-libraries"] as? [[String: Any]] else { return }
      for index in hooks.indices {
        guard var parameters = hooks[index]["parameters"] as? [String: Any],
          var relationships = parameters["high-availability"] as? [[String: Any]],
          var peers = relationships.first?["peers"] as? [[String: Any]], peers.count == 2
        else { continue }
        peers[1]["role"] = "standby"
        relationships[0]["peers"] = peers
        relationships[0]["mode"] = "hot-standby"
        parameters["high-availability"] = relationships
        hooks[index]["parameters"] = parameters
      }
      object["hooks-libraries"] = hooks
      object["subnet4"] = [
        ["id": 1, "subnet": "192.0.2.0/24", "pools": [["pool": "192.0.2.100 - 192.0.2.199"]]]
      ]
    }

    /// Two real pairs that both keep Kea's default names (server1, server2), at two sites:
    /// two relationships, never one. With only one side of a healthy pair in the inventory,
    /// it stays healthy. With a server killed behind the default dedicated HA listener, its
    /// own pair is critical, with the dead appliance named, and the other pair is untouched.
    @Test(
      "two pairs with Kea's default names at two sites, one side in the inventory, one server killed",
      arguments: [KeaChrootLab.Release.kea26, .kea30])
    func twoSitesDefaultNames(release: KeaChrootLab.Release) async throws {
      // 2.6 is asked through its Control Agents, 3.0 on the daemons' own HTTP sockets.
      let template = release == .kea26 ? "dhcp4-lb.json" : "dhcp4-hs.json"
      let service: String? = release == .kea26 ? "dhcp4" : nil
      guard let north = try Self.lab(release, template) else { return }
      defer { north.stopAll() }
      guard let south = try Self.lab(release, template) else { return }
      defer { south.stopAll() }
      let normal = release == .kea26 ? "load-balancing" : "hot-standby"
      func entry(_ name: String, _ lab: KeaChrootLab, _ server: String, site: String)
        -> ApplianceEntry
      {
        var entry = Self.entry(name, url: lab.url(server), service: service)
        entry.site = site
        return entry
      }
      let environment: [String: String] = [:]
      let all = [
        entry("north-a", north, "server1", site: "NORTH"),
        entry("north-b", north, "server2", site: "NORTH"),
        entry("south-a", south, "server1", site: "SOUTH"),
        entry("south-b", south, "server2", site: "SOUTH"),
      ]
      let healthy = try await Self.waitFor(all, environment: environment, lab: north) {
        Self.states(
          $0, ["north-a": normal, "north-b": normal, "south-a": normal, "south-b": normal])
      }
      #expect(healthy.relationships.count == 2, "Kea \(north.version)")
      #expect(
        Set(healthy.relationships.map(\.name)) == ["north-a & north-b", "south-a & south-b"])
      #expect(healthy.relationships.allSatisfy { $0.haName == "server1 & server2" })
      #expect(healthy.severity == .ok, "\(healthy.relationships.map(\.summary))")
      #expect(healthy.unmatchedAppliances.isEmpty)

      // One side of the north pair in the inventory: its partner is seen through it, healthy
      // once north-a's view has caught up (a partner's view lags by up to one heartbeat; while
      // it still shows server2 starting, the pair is a warning, never a scope nobody serves).
      let oneSide = try await Self.waitFor([all[0], all[2], all[3]], lab: north) {
        let north = $0.relationships.first { $0.name.hasPrefix("north-a") }
        #expect(!(north?.findings.contains { $0.code == "scope-gap" } ?? false))
        return north?.servers.allSatisfy { $0.state == normal } == true
      }
      #expect(oneSide.relationships.count == 2, "Kea \(north.version)")
      #expect(oneSide.severity == .ok, "\(Self.described(oneSide))")
      #expect(oneSide.unmatchedAppliances.isEmpty)

      // The south pair's server2 killed: south is critical with south-b named as the dead
      // appliance; north is still healthy; still two relationships.
      south.kill("server2.dhcp4")
      let down = try await Self.waitFor(all, environment: environment, lab: south) {
        Self.states($0, ["south-a": "partner-down"])
      }
      #expect(down.relationships.count == 2)
      #expect(down.unmatchedAppliances.isEmpty, "\(down.unmatchedAppliances.map(\.reason))")
      let southPair = try #require(down.relationships.first { $0.name == "south-a & south-b" })
      #expect(southPair.severity == .critical)
      #expect(southPair.servers.first { $0.name == "server2" }?.appliance == "south-b")
      let northPair = try #require(down.relationships.first { $0.name == "north-a & north-b" })
      #expect(northPair.severity == .ok, "\(northPair.summary)")
    }

    @Test("Kea 2.6 hot-standby through its Control Agents: healthy, then the standby killed")
    func kea26HotStandby() async throws {
      guard let lab = try Self.lab(.kea26, "dhcp4-lb.json", edit: Self.hotStandby) else { return }
      defer { lab.stopAll() }
      try await Self.lifecycle(
        lab,
        entries: [
          Self.entry("lab-kea26-primary", url: lab.url("server1"), service: "dhcp4"),
          Self.entry("lab-kea26-standby", url: lab.url("server2"), service: "dhcp4"),
        ], normal: "hot-standby", deadReason: "unable to forward command to the dhcp4 service")
    }

    @Test(
      "Kea 3.0 on its own HTTP socket, basic auth and HTTPS with cert-required: healthy, then a server killed"
    )
    func kea30Sockets() async throws {
      var made: TestCertificates?
      // The daemons read their certificates when they start.
      guard
        let lab = try Self.lab(
          .kea30, "dhcp4-lb-sockets.json",
          prepare: {
            made = try TestCertificates.make(
              in: URL(fileURLWithPath: $0.host($0.runInside + "/tls")))
          })
      else { return }
      defer { lab.stopAll() }
      let certificates = try #require(made)
      #expect(lab.version.hasPrefix("3.0"))
      var tls = Self.entry(
        "lab-kea30-a", url: lab.url("server1", scheme: "https", port: lab.tlsPorts["server1"]))
      tls.caFile = certificates.ca
      tls.certFile = certificates.monitor.cert
      tls.keyFile = certificates.monitor.key
      var basic = Self.entry("lab-kea30-b", url: lab.url("server2"))
      basic.username = "admin"
      basic.password = .environment("LAB_KEA_PASSWORD")
      try await Self.lifecycle(
        lab, entries: [tls, basic], environment: ["LAB_KEA_PASSWORD": "lab-secret"],
        normal: "load-balancing", deadReason: "refused")
    }

    @Test("Kea 3.0 hot-standby on its own HTTP socket: healthy, then the primary killed")
    func kea30HotStandby() async throws {
      guard let lab = try Self.lab(.kea30, "dhcp4-hs.json") else { return }
      defer { lab.stopAll() }
      let entries = [
        Self.entry("lab-hs-primary", url: lab.url("server1")),
        Self.entry("lab-hs-standby", url: lab.url("server2")),
      ]
      let healthy = try await Self.waitFor(entries, lab: lab) {
        Self.states($0, ["lab-hs-primary": "hot-standby", "lab-hs-standby": "hot-standby"])
      }
      #expect(healthy.relationships.count == 1)
      #expect(healthy.severity == .ok, "\(healthy.relationships.map(\.summary))")
      #expect(healthy.relationships.first?.mode == "hot-standby")

      // Pointed at a peer URL (the HA hook's own listener) instead of the control socket:
      // status-get is answered there, config-get is refused, and the reason says what to do.
      let listener = await Gatherer(
        settings: CollectionSettings(timeout: 3, concurrency: 1, deadline: 10), environment: [:]
      ).collect(
        Inventory(
          file: "test",
          appliances: [
            Self.entry("lab-listener", url: lab.url("server1", port: lab.haPorts["server1"]))
          ]))
      let refused = try #require(listener.first?.unanswered?.first { $0.command == "config-get" })
      #expect(refused.failure.message.contains("HA hook's own listener"), "\(refused.failure)")

      // Another daemon's service sent to the daemon's own socket: Kea 3.0 ignores it and
      // answers for dhcp4, and the reason says so.
      let mixedUp = await Gatherer(
        settings: CollectionSettings(timeout: 3, concurrency: 1, deadline: 10), environment: [:]
      ).collect(
        Inventory(
          file: "test",
          appliances: [Self.entry("lab-dhcp6", url: lab.url("server1"), service: "dhcp6")]))
      #expect(mixedUp.first?.failure?.message == KeaControlSocketTests.askedForDhcp6)

      lab.kill("server1.dhcp4")
      let down = try await Self.waitFor(entries, lab: lab) {
        Self.states($0, ["lab-hs-standby": "partner-down"])
      }
      #expect(down.relationships.count == 1)
      #expect(down.unmatchedAppliances.isEmpty)
      #expect(ExitStatus(down) == .critical)
      let dead = try #require(down.relationships.first?.servers.first { $0.name == "server1" })
      #expect(dead.appliance == "lab-hs-primary")
      #expect(dead.controlStatus == .offline)
    }

    /// A hub that is the standby of two primaries (Kea 2.6+): one relationship per spoke, the
    /// hub a different HA server in each, its subnets tied to a relationship by
    /// `ha-server-name`.
    static func hubAndSpoke(_ lab: KeaChrootLab, _ server: String, _ object: inout [String: Any]) {
      func relationship(_ hubName: String, hubPort: Int, _ spokeName: String, spokePort: Int)
        -> [String: Any]
      {
        [
          "this-server-name": server == "hub" ? hubName : spokeName,
          "mode": "hot-standby", "heartbeat-delay": 2000, "max-response-delay": 6000,
          "max-ack-delay": 1000, "max-unacked-clients": 0, "sync-timeout": 10000,
          "peers": [
            [
              "name": spokeName, "url": "http://127.0.0.1:\(spokePort)/", "role": "primary",
              "auto-failover": true,
            ],
            [
              "name": hubName, "url": "http://127.0.0.1:\(hubPort)/", "role": "standby",
              "auto-failover": true,
            ],
          ],
        ]
      }
      let first = relationship(
        "server1", hubPort: lab.haPorts["hub"] ?? 0, "server2",
        spokePort: lab.haPorts["spoke1"] ?? 0)
      let second = relationship(
        "server3", hubPort: lab.tlsPorts["hub"] ?? 0, "server4",
        spokePort: lab.haPorts["spoke2"] ?? 0)
      func subnet(_ id: Int, _ name: String) -> [String: Any] {
        [
          "id": id, "subnet": "192.0.\(id + 1).0/24",
          "pools": [["pool": "192.0.\(id + 1).100 - 192.0.\(id + 1).199"]],
          "user-context": ["ha-server-name": name],
        ]
      }
      let relationships: [[String: Any]]
      switch server {
      case "hub":
        relationships = [first, second]
        object["subnet4"] = [subnet(1, "server1"), subnet(2, "server3")]
      case "spoke1":
        relationships = [first]
        object["subnet4"] = [subnet(1, "server2")]
      default:
        relationships = [second]
        object["subnet4"] = [subnet(2, "server4")]
      }
      guard var hooks = object["hooks-libraries"] as? [[String: Any]] else { return }
      for index in hooks.indices
      where (hooks[index]["library"] as? String)?.hasSuffix("libdhcp_ha.so") == true {
        hooks[index]["parameters"] = ["high-availability": relationships]
      }
      object["hooks-libraries"] = hooks
    }

    @Test("Kea 3.0 hub-and-spoke: a hub in two relationships, two spokes; one spoke killed")
    func kea30HubAndSpoke() async throws {
      guard
        let lab = try Self.lab(
          .kea30, "dhcp4-hs.json", servers: ["hub", "spoke1", "spoke2"], edit: Self.hubAndSpoke)
      else { return }
      defer { lab.stopAll() }
      let entries = [
        Self.entry("lab-hub", url: lab.url("hub")),
        Self.entry("lab-spoke1", url: lab.url("spoke1")),
        Self.entry("lab-spoke2", url: lab.url("spoke2")),
      ]
      let healthy = try await Self.waitFor(entries, lab: lab) { assessment in
        assessment.relationships.count == 2
          && assessment.relationships.allSatisfy { relationship in
            relationship.servers.allSatisfy { $0.state == "hot-standby" && $0.stateSource == "own" }
          }
      }
      #expect(healthy.severity == .ok, "\(healthy.relationships.map(\.summary))")
      #expect(
        healthy.relationships.map(\.name).sorted() == [
          "lab-spoke1 & lab-hub", "lab-spoke2 & lab-hub",
        ])
      #expect(healthy.unmatchedAppliances.isEmpty)

      lab.kill("spoke2.dhcp4")
      let down = try await Self.waitFor(entries, lab: lab) { assessment in
        assessment.relationships.contains { relationship in
          relationship.servers.contains { $0.name == "server3" && $0.state == "partner-down" }
        }
      }
      #expect(down.relationships.count == 2)
      #expect(down.unmatchedAppliances.isEmpty, "\(down.unmatchedAppliances.map(\.reason))")
      #expect(ExitStatus(down) == .critical)
      let broken = try #require(
        down.relationships.first { $0.servers.contains { $0.name == "server4" } })
      #expect(broken.severity == .critical)
      #expect(broken.name == "lab-spoke2 & lab-hub")
      #expect(broken.servers.first { $0.name == "server4" }?.appliance == "lab-spoke2")
      let untouched = try #require(
        down.relationships.first { $0.servers.contains { $0.name == "server2" } })
      #expect(untouched.severity == .ok, "\(untouched.summary)")
      #expect(down.count(.critical) == 1)
    }
  }
}
