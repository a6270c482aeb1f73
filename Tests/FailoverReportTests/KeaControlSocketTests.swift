import Assessment
import Collectors
import Foundation
import Simulator
import Snapshot
import Testing

/// The two ways into a Kea server, over real HTTP to the simulator: a Control Agent (a list
/// per answer, `service` required) and the daemon's own HTTP socket of Kea 3.0 (a list of one,
/// `service` ignored, as the captures in `shared/lab/kea-new` show), and what the page says
/// when the inventory mixes them up. Real Kea 3.0 is read in `NewKeaIntegrationTests`.
@Suite("Kea control sockets: agent and the daemon's own")
struct KeaControlSocketTests {
  /// Collects `entries` and assesses them, as `run` does.
  static func collect(_ entries: [ApplianceEntry]) async -> (Assessment, [ApplianceObservation]) {
    let observations = await Gatherer(
      settings: CollectionSettings(timeout: 3, concurrency: 4, deadline: 10), environment: [:]
    ).collect(Inventory(file: "test", appliances: entries))
    let snapshot = Snapshot(
      generator: "test", collectedAt: Date(), durationMilliseconds: 0, inventoryDigest: "test",
      appliances: observations)
    return (Assessor.assess(snapshot), observations)
  }

  static func entry(_ endpoint: Simulator.Endpoint, service: String?) -> ApplianceEntry {
    var entry = ApplianceEntry(name: endpoint.name, kind: .kea)
    entry.url = URL(string: endpoint.url)
    entry.service = service
    return entry
  }

  @Test("an agent's list and a daemon socket's single object are both read; the pair is healthy")
  func bothShapes() async throws {
    let simulator = try await Simulator.start([Scenario.mixedControlSockets])
    defer { Task { await simulator.stop() } }
    let agent = try #require(simulator.endpoints.first { $0.name == "agent-a" })
    let socket = try #require(simulator.endpoints.first { $0.name == "socket-b" })
    #expect(agent.service == "dhcp4" && socket.service == nil)
    // The daemon's socket takes a request without `service`, or naming its own daemon.
    for socketService in [nil, "dhcp4"] {
      let (assessment, observations) = await Self.collect([
        Self.entry(agent, service: "dhcp4"), Self.entry(socket, service: socketService),
      ])
      for observation in observations {
        #expect(observation.failure == nil, "\(observation.failure?.message ?? "")")
        #expect(observation.kea?.relationships.first?.local?.state == "load-balancing")
        #expect(observation.unanswered == nil)
        #expect(observation.exchanges.count == 3)
      }
      let bodies = observations.map { $0.exchanges.first?.body.first }
      #expect(bodies == ["[", "["], "both answer a list, as Kea 3.0.4's own socket does")
      #expect(assessment.relationships.map(\.severity) == [.ok])
      #expect(assessment.relationships.first?.servers.count == 2)
    }
  }

  @Test("another daemon's service sent to a daemon's own socket: the reason says what to change")
  func serviceToDaemonSocket() async throws {
    let simulator = try await Simulator.start([Scenario.mixedControlSockets])
    defer { Task { await simulator.stop() } }
    let socket = try #require(simulator.endpoints.first { $0.name == "socket-b" })
    let (_, observations) = await Self.collect([Self.entry(socket, service: "dhcp6")])
    // Kea 3.0's own socket ignores `service` and answers for its own daemon: the answer is
    // not the one asked for, and the reason says so.
    let failure = try #require(observations.first?.failure)
    #expect(failure.kind == .configuration)
    #expect(failure.message == Self.askedForDhcp6, "\(failure.message)")
  }

  static let askedForDhcp6 =
    "asked for dhcp6, but the server that answered is dhcp4: this URL is a daemon's own HTTP socket (Kea 3.0), which ignores service; point url at the dhcp6 daemon's socket, or remove service from the inventory entry"

  @Test("no service sent to a Control Agent: the agent's own answer is recognised as such")
  func noServiceToAgent() async throws {
    let simulator = try await Simulator.start([Scenario.mixedControlSockets])
    defer { Task { await simulator.stop() } }
    let agent = try #require(simulator.endpoints.first { $0.name == "agent-a" })
    let (assessment, observations) = await Self.collect([Self.entry(agent, service: nil)])
    let failure = try #require(observations.first?.failure)
    #expect(failure.kind == .notConfigured)
    #expect(failure.message == Self.agentAnsweredForItself)
    // Not a relationship: listed once as tied to none, with the reason to act on.
    #expect(assessment.relationships.isEmpty)
    #expect(assessment.unmatchedAppliances.map(\.reason) == [Self.agentAnsweredForItself])
  }

  static let agentAnsweredForItself =
    "a Kea Control Agent answered for itself, not for a DHCP server: add service: dhcp4 (or dhcp6) to the inventory entry so that it forwards the commands"
}
