import Assessment
import Foundation
import Snapshot
import Testing

/// How Kea answers become relationships when one server's configuration is unknown.
@Suite("Kea relationships without one server's configuration")
struct KeaGroupingTests {
  static let now = Date(timeIntervalSince1970: 1_795_300_000)

  /// A load-balancing pair a/b; `configured` false leaves out that server's config-get.
  static func server(
    _ name: String, partner: String, configured: Bool = true,
    remote: KeaRemoteServer? = nil
  ) -> ApplianceObservation {
    let peers = [name, partner].sorted().map { peer in
      KeaPeer(
        name: peer, role: peer == "a" ? "primary" : "secondary", url: "http://10.0.0.\(peer)/",
        autoFailover: true)
    }
    let status = KeaStatus(
      result: 0, pid: 1, uptime: 100,
      relationships: [
        KeaRelationshipStatus(
          mode: "load-balancing",
          local: KeaLocalServer(
            role: name == "a" ? "primary" : "secondary", scopes: [name], state: "load-balancing"),
          remote: remote
            ?? KeaRemoteServer(
              age: 2, inTouch: true, lastScopes: [partner], lastState: "load-balancing",
              role: name == "a" ? "secondary" : "primary", communicationInterrupted: false,
              connectingClients: 0, unackedClients: 0, unackedClientsLeft: 0, analyzedPackets: 0))
      ],
      configuration: configured
        ? [
          KeaHAConfiguration(
            thisServerName: name, mode: "load-balancing", heartbeatDelay: 10000,
            maxResponseDelay: 60000, maxAckDelay: 10000, maxUnackedClients: 10,
            delayedUpdatesLimit: 100, peers: peers)
        ] : nil)
    return ApplianceObservation(
      name: name, kind: .kea, site: nil, endpoint: "http://10.0.0.\(name)/", service: "dhcp4",
      askedAt: now, durationMilliseconds: 1, kea: status)
  }

  static func assess(_ observations: [ApplianceObservation]) -> Assessment {
    Assessor.assess(
      Snapshot(
        generator: "test", collectedAt: now, durationMilliseconds: 1, inventoryDigest: "",
        appliances: observations))
  }

  @Test("both configured: one healthy relationship")
  func healthy() throws {
    let assessment = Self.assess([Self.server("a", partner: "b"), Self.server("b", partner: "a")])
    let relationship = try #require(assessment.relationships.first)
    #expect(assessment.relationships.count == 1)
    #expect(relationship.severity == .ok)
    #expect(relationship.findings.isEmpty)
  }

  @Test("a server whose config-get failed joins its pair through the partner's configuration")
  func unconfiguredServerJoinsItsPair() throws {
    let assessment = Self.assess([
      Self.server("a", partner: "b", configured: false), Self.server("b", partner: "a"),
    ])
    // Before: a lone "a" judged ok, and a pair in which a was "not in the inventory".
    #expect(assessment.relationships.count == 1)
    let relationship = try #require(assessment.relationships.first)
    #expect(relationship.servers.map(\.name).sorted() == ["a", "b"])
    #expect(relationship.severity == .warning)
    #expect(relationship.findings.map(\.code) == ["config-unknown"])
    #expect(!relationship.findings.contains { $0.code == "not-monitored" })
  }

  @Test("among many pairs, each server without its configuration joins the pair naming its URL")
  func manyUnconfiguredServers() throws {
    var observations: [ApplianceObservation] = []
    for pair in 0..<30 {
      observations.append(Self.server("a\(pair)", partner: "b\(pair)"))
      var silent = Self.server("b\(pair)", partner: "a\(pair)", configured: false)
      // Found by its URL however it is spelt: case and the trailing slash do not count.
      silent.endpoint = "HTTP://10.0.0.B\(pair)"
      if pair % 3 == 0 {
        silent.kea = nil
        silent.failure = CollectionFailure(.timeout, "no answer within 2 s")
      }
      observations.append(silent)
    }
    // Named by no configuration: on its own. Named by pair 30's configuration, whose b30 is
    // not in the inventory, but asked for another service: on its own too.
    var stranger = Self.server("c", partner: "d", configured: false)
    stranger.endpoint = "http://10.0.0.z/"
    observations.append(Self.server("a30", partner: "b30"))
    var otherService = Self.server("b30", partner: "a30", configured: false)
    otherService.service = "dhcp6"
    let assessment = Self.assess(observations + [stranger, otherService])
    let monitored = assessment.relationships.filter {
      $0.servers.count == 2 && $0.servers.allSatisfy { $0.appliance != nil }
    }
    #expect(monitored.count == 30)
    for relationship in monitored {
      let names = relationship.servers.map(\.name).sorted()
      #expect(names[0].dropFirst() == names[1].dropFirst(), "\(names)")
    }
    let pair30 = try #require(assessment.relationships.first { $0.name.contains("a30") })
    #expect(pair30.servers.first { $0.name == "b30" }?.appliance == nil)
    #expect(assessment.relationships.count == 33)
  }

  @Test("counters below zero and an age from before Kea are implausible")
  func implausibleValues() throws {
    let lying = KeaRemoteServer(
      age: -86_400, inTouch: true, lastScopes: ["b"], lastState: "load-balancing",
      role: "secondary", communicationInterrupted: false, connectingClients: -1,
      unackedClients: 0, unackedClientsLeft: 0, analyzedPackets: 0)
    let assessment = Self.assess([
      Self.server("a", partner: "b", remote: lying), Self.server("b", partner: "a"),
    ])
    let relationship = try #require(assessment.relationships.first)
    let finding = try #require(relationship.findings.first { $0.code == "implausible" })
    #expect(finding.severity == .warning)
    #expect(
      finding.message
        == "a reports values no Kea server can have (age -86400 s, connecting clients -1); its answer is shown but not trusted."
    )
  }
}
