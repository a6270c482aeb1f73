import ArgumentParser
import Foundation
import Templating

/// `failover-report template`: renders one template to stdout, for template authors.
struct TemplateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "template",
    abstract: "Render a Mustache template with JSON data to stdout, exactly the rendered bytes.")

  @Argument(help: ArgumentHelp("The template file.", valueName: "TEMPLATE"))
  var template: String

  @Option(name: .long, help: ArgumentHelp("The data, as JSON.", valueName: "FILE.json"))
  var data: String

  @Option(name: .long, help: ArgumentHelp("Where {{>name}} finds name.mustache.", valueName: "DIR"))
  var partials: String?

  @Flag(
    name: .long,
    help:
      "Render missing keys and partials as nothing, as the Mustache spec does, instead of failing.")
  var lenient = false

  func run() throws {
    guard let templateData = FileManager.default.contents(atPath: template) else {
      throw failure("\(template):0:0: cannot read the template")
    }
    guard let jsonData = FileManager.default.contents(atPath: data) else {
      throw failure("\(data):0:0: cannot read the data")
    }
    let value: TemplateValue
    do {
      value = try TemplateValue(json: Array(jsonData))
    } catch {
      throw failure("\(data):\(error.line):\(error.column): \(error.message)")
    }
    let folder = partials
    let library = TemplateLibrary { name in
      guard let folder, !name.contains("/"), !name.hasPrefix(".") else { return nil }
      return FileManager.default.contents(atPath: folder + "/" + name + ".mustache").map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    do {
      let compiled = try Template(bytes: Array(templateData), name: template)
      let bytes = try compiled.render(
        value, library: library, options: lenient ? .lenient : RenderOptions())
      FileHandle.standardOutput.write(Data(bytes))
    } catch {
      throw failure("\(error)")
    }
  }

  private func failure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    return ExitCode(3)
  }
}
