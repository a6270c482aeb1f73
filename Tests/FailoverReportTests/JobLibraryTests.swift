import Foundation
import Job
import Logging
import Simulator
import Snapshot
import Testing

/// The job run as a library, from plain values and without the argument parser, as a cron
/// wrapper or another front end would run it.
@Suite("The job as a library")
struct JobLibraryTests {
  /// The lines the job says, collected across its threads.
  final class Said: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    var lines: [String] { lock.withLock { collected } }
    func add(_ line: String) { lock.withLock { collected.append(line) } }
  }

  @Test("ReportJob asks the simulator's servers and publishes; its status line is said")
  func runsFromPlainValues() async throws {
    let simulator = try await Simulator.start([Scenario.healthyLoadBalancing, .partnerDown])
    defer { Task { await simulator.stop() } }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inventory = folder.appendingPathComponent("inventory.yaml")
    try Data(simulator.keaInventoryYAML.utf8).write(to: inventory)
    let output = folder.appendingPathComponent("www").path
    var settings = PublishSettings(detailLimit: 200)
    settings.metrics = folder.appendingPathComponent("failover.prom").path
    var job = ReportJob(
      output: output, settings: settings,
      logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    let said = Said()
    job.say = { said.add($0) }
    let code = await job.run(
      inventoryPath: inventory.path, limits: CollectionLimits(timeoutSeconds: 3),
      environment: [:])
    // One pair in partner-down: critical, exit 2, and the status line says so.
    #expect(code == 2)
    #expect(said.lines.count == 1)
    #expect(said.lines.first?.hasPrefix("FAILOVER CRITICAL - ") == true, "\(said.lines)")
    let page = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
    #expect(page.contains("partner-down"))
    let snapshot = try Snapshot.decoded(
      fromJSON: Array(Data(contentsOf: URL(fileURLWithPath: output + "/snapshot.json"))))
    #expect(snapshot.appliances.count == simulator.endpoints.count)
    #expect(snapshot.generator == Release.generator)
    let metrics = try String(contentsOfFile: settings.metrics ?? "", encoding: .utf8)
    #expect(metrics.contains("failover_report_"))

    // A missing inventory: exit 3, said in one line, nothing published over the page.
    let before = try Data(contentsOf: URL(fileURLWithPath: output + "/index.html"))
    let missing = await job.run(
      inventoryPath: folder.appendingPathComponent("none.yaml").path, limits: CollectionLimits(),
      environment: [:])
    #expect(missing == 3)
    #expect(said.lines.last?.hasPrefix("FAILOVER UNKNOWN - ") == true, "\(said.lines)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/index.html")) == before)
  }
}
