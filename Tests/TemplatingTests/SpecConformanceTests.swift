import Foundation
import Templating
import Testing

/// Runs the official Mustache spec from `../shared/mustache-spec`, read where it lies.
@Suite("Mustache spec conformance")
struct SpecConformanceTests {
  struct SpecCase: Sendable, CustomTestStringConvertible {
    var file: String
    var name: String
    var template: String
    var partials: [String: String]
    var data: TemplateValue
    var expected: String
    var testDescription: String { "\(file): \(name)" }
  }

  static let specFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/mustache-spec")

  static func cases(in files: [String]) -> [SpecCase] {
    var cases: [SpecCase] = []
    for file in files {
      let url = specFolder.appendingPathComponent(file)
      guard let bytes = try? Data(contentsOf: url),
        let document = try? TemplateValue(json: Array(bytes)),
        case .object(let root) = document, case .list(let tests)? = root["tests"]
      else { continue }
      for test in tests {
        guard case .object(let fields) = test, case .string(let name)? = fields["name"],
          case .string(let template)? = fields["template"],
          case .string(let expected)? = fields["expected"]
        else { continue }
        var partials: [String: String] = [:]
        if case .object(let table)? = fields["partials"] {
          for key in table.keys { if case .string(let text)? = table[key] { partials[key] = text } }
        }
        cases.append(
          SpecCase(
            file: file, name: name, template: template, partials: partials,
            data: fields["data"] ?? .null, expected: expected))
      }
    }
    return cases
  }

  static let required = cases(in: [
    "comments.json", "delimiters.json", "interpolation.json", "inverted.json", "partials.json",
    "sections.json",
  ])
  static let inheritance = cases(in: ["~inheritance.json"])
  static let dynamicNames = cases(in: ["~dynamic-names.json"])

  static func run(_ spec: SpecCase) throws -> String {
    let library = TemplateLibrary(templates: spec.partials)
    let template = try Template(spec.template, name: spec.name)
    return try template.renderString(spec.data, library: library, options: .lenient)
  }

  @Test("the spec is present, and complete where CI runs")
  func specIsPresent() {
    let ci = ProcessInfo.processInfo.environment["CI"] == "true"
    if ci || FileManager.default.fileExists(atPath: Self.specFolder.path) {
      #expect(Self.required.count == 136)
      #expect(Self.inheritance.count == 27)
      #expect(Self.dynamicNames.count == 21)
    }
  }

  @Test("required modules", arguments: required)
  func requiredModules(_ spec: SpecCase) throws {
    #expect(try Self.run(spec) == spec.expected)
  }

  @Test("inheritance", arguments: inheritance)
  func inheritanceModule(_ spec: SpecCase) throws {
    #expect(try Self.run(spec) == spec.expected)
  }

  @Test("dynamic names", arguments: dynamicNames)
  func dynamicNamesModule(_ spec: SpecCase) throws {
    #expect(try Self.run(spec) == spec.expected)
  }
}
