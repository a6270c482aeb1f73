import ArgumentParser
import Foundation
import Report
import Validation

/// `failover-report validate`: the publish gate, on any page.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract:
      "Check pages (published, archived, or the archive's indexes) with the publish gate; print file:line:column: message for each problem."
  )

  @Argument(help: ArgumentHelp("Pages to check.", valueName: "FILE"))
  var files: [String]

  @Option(
    name: .long,
    help: ArgumentHelp("Use the schema.rng from DIR instead of the built-in one.", valueName: "DIR")
  )
  var templates: String?

  func run() throws {
    let assets = try Assets.load(templatesFolder: templates, publicFolder: nil)
    var failed = false
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else {
        print("\(file):0:0: cannot read the file")
        failed = true
        continue
      }
      // An archive index links the archived pages beside it; every other page only itself.
      let problems = PageValidator.matching(Array(data), schema: assets.templates["schema.rng"])
        .validate(Array(data), name: file)
      for problem in problems {
        print("\(file):\(problem.line):\(problem.column): \(problem.message)")
      }
      failed = failed || !problems.isEmpty
    }
    throw ExitCode(failed ? 3 : 0)
  }
}
