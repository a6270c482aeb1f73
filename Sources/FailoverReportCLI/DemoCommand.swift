import ArgumentParser
import Foundation
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
    do {
      let files =
        scenario == nil
        ? try FailoverFiles.write(into: workspace.appendingPathComponent("files"), now: Date()) : []
      inventoryPath = try DemoInventory.write(simulator, files: files, into: workspace)
    } catch {
      await simulator.stop()
      print("FAILOVER UNKNOWN - cannot write the demo inventory: \(error)")
      throw ExitCode(3)
    }
    logger.info("simulator listening", metadata: ["url": "http://127.0.0.1:\(simulator.port)/"])
    let code = await ReportJob(output: output, options: options, logger: logger)
      .run(inventoryPath: inventoryPath, environment: ProcessInfo.processInfo.environment)
    await simulator.stop()
    let page = URL(fileURLWithPath: output).standardizedFileURL.appendingPathComponent("index.html")
      .path
    if code != 3 {
      FileHandle.standardError.write(Data("The demo page is at \(page)\n".utf8))
    }
    throw ExitCode(code)
  }
}

/// Writes the inventory the demo runs from: one entry per simulated server, secrets in a file.
enum DemoInventory {
  static func write(
    _ simulator: Simulator, files: [FailoverFiles.Appliance], into folder: URL
  ) throws -> String {
    let endpoints = simulator.endpoints
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var yaml =
      "# Written by failover-report demo for its simulated appliances.\ndefaults: {timeout: 3, concurrency: 16}\nappliances:\n"
    for endpoint in endpoints {
      yaml +=
        "  - name: \(endpoint.name)\n    kind: kea\n    url: \(endpoint.url)\n"
        + (endpoint.service.map { "    service: \($0)\n" } ?? "") + "    site: \(endpoint.site)\n"
      if let credentials = endpoint.credentials {
        let secret = folder.appendingPathComponent("\(endpoint.name).password")
        try writeSecret(credentials.password, to: secret)
        yaml += "    username: \(credentials.username)\n    password-file: \(secret.path)\n"
      }
    }
    for file in files {
      yaml +=
        "  - name: \(file.name)\n    kind: \(file.kind)\n    \(file.key): \(file.path)\n    site: \(file.site)\n"
    }
    if let edgeConnect = simulator.edgeConnect {
      let secret = folder.appendingPathComponent("edgeconnect.key")
      try writeSecret(edgeConnect.apiKey, to: secret)
      for member in edgeConnect.members {
        yaml +=
          "  - name: \(member.appliance)\n    kind: edgeconnect\n    url: \(simulator.edgeConnectStateURL)\n    deployment: \(simulator.edgeConnectDeploymentURL(member.appliance))\n    api-key-file: \(secret.path)\n    site: \(edgeConnect.site)\n"
      }
    }
    let path = folder.appendingPathComponent("inventory.yaml").path
    try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// A secret file only its owner can read, as the inventory wants them.
  private static func writeSecret(_ secret: String, to url: URL) throws {
    guard
      FileManager.default.createFile(
        atPath: url.path, contents: Data((secret + "\n").utf8),
        attributes: [.posixPermissions: 0o600])
    else { throw CocoaError(.fileWriteUnknown) }
  }
}
