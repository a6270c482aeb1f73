import ArgumentParser
import Collectors
import Foundation

/// `failover-report check`: parses the inventory and says what each appliance will be asked.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Parse the inventory and explain what each appliance will be asked.")

  @Option(name: .long, help: ArgumentHelp("The YAML inventory.", valueName: "FILE"))
  var inventory: String

  func run() throws {
    let parsed: Inventory
    do {
      parsed = try Inventory.load(path: inventory)
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      throw ExitCode(3)
    }
    let environment = ProcessInfo.processInfo.environment
    print(
      "\(inventory): \(parsed.appliances.count) appliances; timeout \(parsed.defaults.timeout) s, concurrency \(parsed.defaults.concurrency)"
    )
    print("judging thresholds\(parsed.judging.isDefault ? " (all defaults)" : ""):")
    for line in parsed.judging.lines { print("  \(line)") }
    // Why the check exits 3, said on stderr where cron and a terminal both show it.
    let check = InventoryCheck(parsed, environment: environment)
    for line in check.lines { print(line) }
    let problems = check.problems
    for problem in problems {
      FileHandle.standardError.write(Data("\(inventory): \(problem)\n".utf8))
    }
    if !problems.isEmpty {
      FileHandle.standardError.write(
        Data(
          "check: \(problems.count == 1 ? "1 problem" : "\(problems.count) problems") found; a run now would not reach the appliances named above (exit 3)\n"
            .utf8))
    }
    throw ExitCode(problems.isEmpty ? 0 : 3)
  }
}
