import Foundation
import Simulator
import Snapshot
import Testing

extension ExternalProcesses {
  /// A run over 200 simulated appliances, one in ten of them dead or silent.
  @Suite("Large fleet")
  struct FleetTests {
    @Test(
      "200 appliances, 10 % dead or silent: all on the page, the broken ones with their reason, the run within timeout + 1 s"
    )
    func twoHundredAppliances() async throws {
      let simulator = try await Simulator.start(
        Scenario.fleet(pairs: 100, deadEvery: 10, silentEvery: 10))
      defer { Task { await simulator.stop() } }
      #expect(simulator.endpoints.count == 200)
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let yaml = simulator.keaInventoryYAML
      let inventory = folder.appendingPathComponent("inventory.yaml")
      try yaml.write(to: inventory, atomically: true, encoding: .utf8)
      // Long enough that the 180 healthy appliances finish well inside it even on a two-core CI
      // machine running a debug build: then only the silent ones run into it.
      let timeout = 5.0
      let result = try TestSupport.run([
        "run", "--inventory", inventory.path, "--output", folder.appendingPathComponent("www").path,
        "--json", folder.appendingPathComponent("snapshot.json").path, "--timeout", "\(timeout)",
        "--concurrency", "200",
      ])
      // Dead and silent B servers, whose partners cannot reach them either and have taken over:
      // their pairs have lost redundancy, critical (2).
      #expect(result.status == 2, "\(result.stdout)\(result.stderr.suffix(1000))")
      let snapshot = try Snapshot.makeDecoder().decode(
        Snapshot.self, from: Data(contentsOf: folder.appendingPathComponent("snapshot.json")))
      #expect(snapshot.appliances.count == 200)
      // The collection's own clock: a silent appliance costs its timeout, not more.
      #expect(Double(snapshot.durationMilliseconds) <= (timeout + 1) * 1000)
      let failures = snapshot.appliances.compactMap(\.failure)
      #expect(failures.filter { $0.kind == .timeout }.count == 10)
      #expect(failures.filter { $0.kind == .unreachable }.count == 10)
      #expect(failures.count == 20)
      for observation in snapshot.appliances {
        #expect(
          observation.durationMilliseconds <= Int((timeout + 0.5) * 1000), "\(observation.name)")
      }
      let page = try String(
        contentsOf: folder.appendingPathComponent("www/index.html"), encoding: .utf8)
      for endpoint in simulator.endpoints {
        #expect(page.contains(">\(endpoint.name)<"), "\(endpoint.name) is not on the page")
      }
      #expect(page.components(separatedBy: "no answer within 5 s").count - 1 >= 10)
      #expect(page.components(separatedBy: "connection refused").count - 1 >= 10)
    }

    @Test("more problems than the top of the page lists: the first 50 are linked, the rest counted")
    func longListOfProblems() async throws {
      let simulator = try await Simulator.start(Scenario.fleet(pairs: 60, deadEvery: 1))
      defer { Task { await simulator.stop() } }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let inventory = folder.appendingPathComponent("inventory.yaml")
      try simulator.keaInventoryYAML.write(to: inventory, atomically: true, encoding: .utf8)
      let result = try TestSupport.run([
        "run", "--inventory", inventory.path, "--output", folder.appendingPathComponent("www").path,
        "--timeout", "5", "--concurrency", "120",
      ])
      #expect(result.status == 2, "\(result.stdout)\(result.stderr.suffix(1000))")
      let page = try String(
        contentsOf: folder.appendingPathComponent("www/index.html"), encoding: .utf8)
      let attention =
        page.components(separatedBy: "id=\"attention\"").last?.components(
          separatedBy: "</section>"
        ).first ?? ""
      #expect(attention.components(separatedBy: "<li class=\"sev-critical\">").count - 1 == 50)
      #expect(attention.contains("And 10 more, below."))
    }
  }
}
