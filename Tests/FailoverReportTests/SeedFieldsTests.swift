import Foundation
import Testing

/// Every field and state the product documents (`shared/seeds`) name is on the demo page, each
/// with its help text.
@Suite("Fields and states of the product documents")
struct SeedFieldsTests {
  static let seeds = TestSupport.shared.appendingPathComponent("seeds/README.md")

  /// The names listed in the seeds README's table: "…: A, B (x / y), and the states (S, T)."
  static func names() throws -> (fields: [String], values: [String]) {
    let text = try String(contentsOf: seeds, encoding: .utf8)
    var fields: [String] = []
    var values: [String] = []
    for line in text.components(separatedBy: "\n") where line.hasPrefix("| `") {
      let columns = line.components(separatedBy: "|")
      guard columns.count > 3, let colon = columns[2].range(of: ": ") else { continue }
      var list = String(columns[2][colon.upperBound...])
      if let end = list.range(of: ". ") { list = String(list[..<end.lowerBound]) }
      list = list.replacingOccurrences(of: ", and the failover states (", with: ", (")
      var depth = 0
      var current = ""
      var items: [(String, Bool)] = []
      for character in list {
        switch character {
        case "(":
          if depth == 0, !current.trimmingCharacters(in: .whitespaces).isEmpty {
            items.append((current, false))
            current = ""
          }
          depth += 1
        case ")":
          depth -= 1
          if depth == 0 {
            items.append((current, true))
            current = ""
          }
        case "," where depth == 0:
          items.append((current, false))
          current = ""
        default: current.append(character)
        }
      }
      items.append((current, false))
      for (item, inParentheses) in items {
        let parts = item.components(
          separatedBy: inParentheses
            ? CharacterSet(charactersIn: ",/") : CharacterSet(charactersIn: ","))
        for part in parts {
          let name = part.trimmingCharacters(
            in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".")))
          guard !name.isEmpty else { continue }
          if inParentheses { values.append(name) } else { fields.append(name) }
        }
      }
    }
    return (fields, values)
  }

  @Test("every field has its label and help on the page; every state and value is explained")
  func everyFieldAndState() throws {
    guard FileManager.default.fileExists(atPath: Self.seeds.path) else {
      #expect(!TestSupport.isCI, "shared/seeds is missing")
      return
    }
    let (fields, values) = try Self.names()
    #expect(fields.count >= 19, "\(fields)")
    #expect(values.count >= 13, "\(values)")
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try TestSupport.run(["demo", "--output", folder.path])
    let page = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    for field in fields {
      // A label links to its entry in the field guide, which holds a non-empty help text.
      let label = try Regex(
        "<a class=\"field f-[A-Za-z0-9]+\" href=\"#field-([A-Za-z0-9]+)\">\(field)</a>")
      let match = page.firstMatch(of: label)
      #expect(match != nil, "field \(field) has no label that links to its help")
      guard let key = match?.output[1].substring else { continue }
      let entry = "id=\"field-\(key)\"><dt>\(field)</dt><dd>"
      let range = page.range(of: entry)
      #expect(range != nil, "field \(field) has no entry in the field guide")
      if let range {
        let help = page[range.upperBound...].prefix { $0 != "<" }
        #expect(help.count > 40, "field \(field) has too short a help text")
      }
    }
    for value in values {
      let name = value.lowercased()
      let glossaryName =
        name == "unknown"
        ? "unknown-state"
        : name == "communication-interrupted" ? "communications-interrupted" : name
      let inGlossary =
        page.contains("id=\"state-\(glossaryName)\"")
        || page.contains("id=\"fo-state-\(glossaryName)\"")
      // Values of a status (online, failed, …) are explained in its help as "Value: …".
      let explained = page.lowercased().contains(name + ":")
      #expect(inGlossary || explained, "\(value) is neither in the glossary nor explained")
    }
  }
}
