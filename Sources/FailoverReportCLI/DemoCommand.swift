import ArgumentParser
import Collectors
import Foundation
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
      code = await runRegions(regionalInventories, logger: logger)
    } else {
      code = await ReportJob(output: output, options: options, logger: logger)
        .run(
          inventoryPath: inventoryPath, collection: collection,
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

extension DemoCommand {
  /// Each region's job publishes into DIR/regions/NAME (with no archive, email or metrics of
  /// its own: those belong to the merged page), then the merge publishes DIR.
  func runRegions(_ inventories: [(name: String, path: String)], logger: Logger) async -> Int32 {
    var regional = options
    regional.archive = nil
    regional.keepDays = nil
    regional.email = nil
    regional.mailTo = []
    regional.metrics = nil
    regional.json = nil
    var sources: [RegionSource] = []
    for (name, path) in inventories {
      let folder = output + "/regions/" + name
      _ = await ReportJob(
        output: folder, options: regional, logger: logger, printsStatusLine: false
      ).run(
        inventoryPath: path, collection: collection,
        environment: ProcessInfo.processInfo.environment)
      sources.append(RegionSource(name: name, path: folder))
    }
    return MergeCommand.merge(
      sources, output: output, maximumAge: nil, options: options, logger: logger,
      started: Date())
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

  /// Splits the inventory's appliances in two by site (the first half of the sites in the
  /// file's order: north; the rest: south), each with the same defaults, as two regional
  /// runs would have them.
  static func split(_ path: String, into folder: URL) throws -> [(name: String, path: String)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let head = text.components(separatedBy: "appliances:\n")
    guard head.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
    let entries = head[1].components(separatedBy: "  - name: ").dropFirst().map {
      "  - name: " + $0
    }
    func site(_ entry: String) -> String {
      entry.split(separator: "\n").first { $0.hasPrefix("    site: ") }.map(String.init) ?? ""
    }
    var sites: [String] = []
    for entry in entries where !sites.contains(site(entry)) { sites.append(site(entry)) }
    let north = Set(sites.prefix(sites.count / 2))
    return try [("north", true), ("south", false)].map { name, isNorth in
      let chosen = entries.filter { north.contains(site($0)) == isNorth }
      let regional = folder.appendingPathComponent("inventory-\(name).yaml").path
      try Data((head[0] + "appliances:\n" + chosen.joined()).utf8).write(
        to: URL(fileURLWithPath: regional))
      return (name, regional)
    }
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
