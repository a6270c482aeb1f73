import Foundation
import Simulator
import Snapshot
import Testing

/// A dhcpd appliance whose leases file or OMAPI port is broken or hostile, beside a healthy Kea
/// pair: the run marks that appliance with a one-line reason, shows the pair normally,
/// publishes a page that passed the gate and ends within its deadline.
extension ExternalProcesses {
  @Suite("Hostile dhcpd input")
  struct HostileDhcpdTests {
    enum Case: String, CaseIterable, Sendable {
      case garbageLeases = "garbage leases file"
      case truncatedStanza = "leases file cut inside a stanza"
      case unknownStates = "unknown state names"
      case omapiStall = "OMAPI peer stalls mid-message"
      case omapiHugeLength = "OMAPI peer announces a huge length"
      case notOMAPI = "another service on the OMAPI port"

      var omapiBehavior: HostileOMAPIPeer.Behavior? {
        switch self {
        case .omapiStall: .stallMidMessage
        case .omapiHugeLength: .hugeLength
        case .notOMAPI: .notOMAPI
        default: nil
        }
      }

      var leases: String {
        switch self {
        case .garbageLeases:
          "\u{0}\u{1}lease 192.0.2.1 {{{ ;;; }\nfailover peer\nstate {\n\u{7F}<script>alert(1)</script>\n"
        case .truncatedStanza:
          "lease 192.0.2.1 {\n  binding state active;\n}\nfailover peer \"fo\" state {\n  my state normal at 1 2026/11/22 06:00:00;\n  partner st"
        default:
          // Well-formed stanzas with states dhcpd does not have, one with markup in it.
          "failover peer \"fo\" state {\n  my state frobnicated at 1 2026/11/22 06:00:00;\n  partner state <b>evil</b> at 1 2026/11/22 06:00:00;\n  mclt 3600;\n}\n"
        }
      }

      /// The failure kind and a part of its reason, or nil when the answer is usable and shown.
      var expectedFailure: (CollectionFailure.Kind, String)? {
        switch self {
        case .garbageLeases: (.notConfigured, "holds no failover peer state")
        case .truncatedStanza: (.malformed, "ends inside a failover stanza")
        case .unknownStates: nil
        case .omapiStall: (.timeout, "did not answer within")
        case .omapiHugeLength: (.malformed, "a value of 2147418112 bytes for 'name'")
        case .notOMAPI: (.malformed, "does not speak OMAPI")
        }
      }
      /// Garbage holds no failover stanza at all: failover looks unconfigured, a warning. A
      /// state dhcpd does not have is unknown (exit 1 too). A server that could not be read is
      /// critical: nobody can say that it serves its clients.
      var expectedExit: Int32 {
        switch self {
        case .garbageLeases, .unknownStates: 1
        default: 2
        }
      }
    }

    @Test("each hostile dhcpd input degrades only its own appliance", arguments: Case.allCases)
    func hostile(_ hostileCase: Case) async throws {
      let simulator = try await Simulator.start([Scenario.healthyLoadBalancing])
      defer { Task { await simulator.stop() } }
      var peer: HostileOMAPIPeer?
      if let behavior = hostileCase.omapiBehavior {
        peer = try await HostileOMAPIPeer.start(behavior)
      }
      defer { if let peer { Task { await peer.stop() } } }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      var yaml = simulator.keaInventoryYAML + "  - name: hostile-d\n    kind: dhcpd\n"
      if let peer {
        yaml += "    omapi: 127.0.0.1:\(peer.port)\n    peer: fo\n"
      } else {
        let leases = folder.appendingPathComponent("dhcpd.leases")
        try Data(hostileCase.leases.utf8).write(to: leases)
        yaml += "    leases: \(leases.path)\n"
      }
      let (result, snapshot, page) = try HostileApplianceTests.runJob(inventory: yaml, in: folder)
      let hostile = try #require(snapshot.appliances.first { $0.name == "hostile-d" })
      if let (kind, reason) = hostileCase.expectedFailure {
        let failure = try #require(hostile.failure)
        #expect(failure.kind == kind, "\(failure.message)")
        #expect(failure.message.contains(reason), "\(failure.message)")
        #expect(!failure.message.contains("\n") && failure.message.count <= 300)
        #expect(
          page.contains(HostileApplianceTests.escapedAsOnThePage(failure.message)),
          "reason not on the page")
      } else {
        #expect(hostile.failure == nil)
        #expect(hostile.failoverPeers?.first?.myState == "frobnicated")
        // The state is shown as text and judged: dhcpd has no such state.
        #expect(page.contains("reports frobnicated, which is not a failover-protocol state."))
        #expect(page.contains("&lt;b&gt;evil&lt;/b&gt;"))
      }
      #expect(!page.contains("<script>alert") && !page.contains("<b>evil"))
      #expect(result.status == hostileCase.expectedExit, "\(result.stdout)\(result.stderr)")
      for name in ["dc1-kea-a", "dc1-kea-b"] {
        let observation = snapshot.appliances.first { $0.name == name }
        #expect(observation?.failure == nil)
        #expect(observation?.kea?.relationships.first?.local?.state == "load-balancing")
      }
      #expect(snapshot.durationMilliseconds <= 4_000, "the run outlived its timeout + 1 s")
    }
  }
}
