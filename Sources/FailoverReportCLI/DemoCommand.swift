import ArgumentParser
import Collectors
import Foundation
import Job
import Logging
import Simulator

/// `failover-report demo`: the same job as `run`, against simulated appliances that speak the
/// real protocols on 127.0.0.1.
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract:
      "Start simulated Kea servers on 127.0.0.1 and publish their status page, exactly as 'run' would."
  )

  @Option(name: .long, help: ArgumentHelp("Where the page is published.", valueName: "DIR"))
  var output: String = "report"

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Play only this scenario: \(Scenario.all.map(\.name).joined(separator: ", ")).",
      valueName: "NAME"))
  var scenario: String?

  @Flag(
    name: .long,
    help:
      "Split the demo's appliances between two regions (north, south), run a job for each into DIR/regions/NAME, and merge their snapshots into DIR."
  )
  var regions = false

  @OptionGroup var collection: CollectionOptions
  @OptionGroup var options: OutputOptions

  func validate() throws {
    if let scenario, Scenario.named(scenario) == nil {
      throw ValidationError(
        "no scenario \"\(scenario)\"; choose one of \(Scenario.all.map(\.name).joined(separator: ", "))"
      )
    }
  }

  func run() async throws {
    let logger = Logs.logger(verbose: options.verbose)
    let scenarios = scenario.flatMap(Scenario.named).map { [$0] } ?? Scenario.all
    let simulator: Simulator
    do {
      simulator = try await Simulator.start(
        scenarios, edgeConnect: scenario == nil ? .demo(now: Date()) : nil)
    } catch {
      print("FAILOVER UNKNOWN - cannot start the simulator: \(error)")
      throw ExitCode(3)
    }
    let workspace = FileManager.default.temporaryDirectory.appendingPathComponent(
      "failover-report-demo-\(getpid())")
    defer { try? FileManager.default.removeItem(at: workspace) }
    let inventoryPath: String
    var regionalInventories: [(name: String, path: String)] = []
    do {
      let files =
        scenario == nil
        ? try FailoverFiles.write(into: workspace.appendingPathComponent("files"), now: Date()) : []
      inventoryPath = try DemoInventory.write(simulator, files: files, into: workspace)
      if regions {
        regionalInventories = try DemoInventory.split(inventoryPath, into: workspace)
      }
    } catch {
      await simulator.stop()
      print("FAILOVER UNKNOWN - cannot write the demo inventory: \(error)")
      throw ExitCode(3)
    }
    logger.info("simulator listening", metadata: ["url": "http://127.0.0.1:\(simulator.port)/"])
    let code: Int32
    if regions {
      code = await ReportJob(output: output, settings: options.settings, logger: logger)
        .publishRegions(
          regionalInventories, limits: collection.limits,
          environment: ProcessInfo.processInfo.environment)
    } else {
      code = await ReportJob(output: output, settings: options.settings, logger: logger)
        .run(
          inventoryPath: inventoryPath, limits: collection.limits,
          environment: ProcessInfo.processInfo.environment)
    }
    await simulator.stop()
    let page = URL(fileURLWithPath: output).standardizedFileURL.appendingPathComponent("index.html")
      .path
    if code != 3 {
      FileHandle.standardError.write(Data("The demo page is at \(page)\n".utf8))
    }
    throw ExitCode(code)
  }
}
