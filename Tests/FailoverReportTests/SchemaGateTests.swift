import Assessment
import Foundation
import Report
import Snapshot
import Testing
import Validation

/// The real page, rendered by the real templates, against the real schema (Templates/schema.rng).
@Suite("Publish gate with the page's schema")
struct SchemaGateTests {
  static func page(detailLimit: Int = PageRenderer.defaultDetailLimit) throws -> String {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    let observations = try [
      KeaCaptureDecodingTests.observation(
        "server1", file: "lb/lb-normal.server1.status-get.json",
        config: "lb/lb-normal.server1.config-get.json",
        askedAt: now),
      KeaCaptureDecodingTests.observation(
        "server2", file: "lb/lb-normal.server2.status-get.json",
        config: "lb/lb-normal.server2.config-get.json",
        askedAt: now),
    ]
    let snapshot = Snapshot(
      generator: "test", collectedAt: now, durationMilliseconds: 12, inventoryDigest: "abc",
      appliances: observations)
    let bytes = try PageRenderer(assets: .embedded, detailLimit: detailLimit).render(
      Assessor.assess(snapshot), snapshot: snapshot)
    return String(decoding: bytes, as: UTF8.self)
  }

  static let validator = PageValidator(schema: Assets.embedded.templates["schema.rng"])

  static func line(of marker: String, in page: String) -> Int {
    let lines = page.components(separatedBy: "\n")
    return (lines.firstIndex { $0.contains(marker) } ?? -1) + 1
  }

  @Test("the rendered page passes the schema and the policy")
  func renderedPagePasses() throws {
    guard FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path) else {
      return
    }
    let problems = Self.validator.validate(Array(try Self.page().utf8))
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test("past the detail limit a relationship judged OK is one row, and the page passes")
  func compactHealthyRelationship() throws {
    guard FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path) else {
      return
    }
    let full = try Self.page()
    let compact = try Self.page(detailLimit: 0)
    #expect(full.contains("<article class=\"relationship sev-ok\""))
    #expect(!full.contains("<div class=\"table-wrap healthy-list\">"))
    #expect(!compact.contains("<article"))
    let row = compact.components(separatedBy: "\n").first { $0.hasPrefix("<tr id=\"r-") } ?? ""
    #expect(row.contains("server1: load-balancing; server2: load-balancing"), "\(row)")
    #expect(compact.count < full.count)
    let problems = Self.validator.validate(Array(compact.utf8))
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test(
    "what the templates never produce is rejected",
    arguments: [
      ("unknown element", "<main>", "<main><blink>MARK</blink>"),
      ("image", "<main>", "<main><img alt=\"MARK\" src=\"data:image/png;base64,AAAA\"/>"),
      ("table row outside tbody", "<thead>", "<tr><td>MARK</td></tr><thead>"),
      ("style attribute", "<main>", "<main><p style=\"color: red\">MARK</p>"),
      ("unknown attribute", "<main>", "<main><p title=\"MARK\" contenteditable=\"true\">x</p>"),
      ("a link target", "<main>", "<main><a href=\"#top\" target=\"_blank\">MARK</a>"),
      ("a form", "<main>", "<main><form><p>MARK</p></form>"),
      (
        "SVG use", "<main>",
        "<main><svg xmlns=\"http://www.w3.org/2000/svg\"><use/></svg><p>MARK</p>"
      ),
      (
        "non-numeric progress", "<main>",
        "<main><progress max=\"100\" value=\"lots\">MARK</progress>"
      ),
      ("bad time", "<main>", "<main><time datetime=\"yesterday\">MARK</time>"),
      // Each element admits only the attributes the templates give it.
      ("an attribute this element never has", "<main>", "<main><span id=\"x\">MARK</span>"),
      (
        "hidden on a table cell", "<main>",
        "<main><table><tbody><tr><td hidden=\"\">MARK</td></tr></tbody></table>"
      ),
      (
        "a header cell without a scope", "<main>",
        "<main><table><tbody><tr><th>MARK</th></tr></tbody></table>"
      ),
      (
        "a data cell with a scope", "<main>",
        "<main><table><tbody><tr><td scope=\"row\">MARK</td></tr></tbody></table>"
      ),
      (
        "text between table cells", "<main>",
        "<main><table><tbody><tr>MARK<td>x</td></tr></tbody></table>"
      ),
    ])
  func rejected(name: String, find: String, replace: String) throws {
    guard FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path) else {
      return
    }
    let original = try Self.page()
    let page = original.replacingOccurrences(of: find, with: replace)
    #expect(page != original)
    let problems = Self.validator.validate(Array(page.utf8))
    #expect(!problems.isEmpty, "\(name) was accepted")
  }

  @Test("an unknown element is reported at its own line")
  func unknownElementLine() throws {
    guard FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path) else {
      return
    }
    let page = try Self.page().replacingOccurrences(
      of: "<main>", with: "<main>\n<blink>MARK</blink>")
    let problems = Self.validator.validate(Array(page.utf8))
    #expect(
      problems.contains {
        $0.line == Self.line(of: "<blink>", in: page) && $0.message.contains("<blink>")
      })
  }

  @Test(
    "with the schema, a link to no id and a script the policy does not list are named at their lines"
  )
  func policyWithSchema() throws {
    guard FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path) else {
      return
    }
    let page = try Self.page()
      .replacingOccurrences(of: "</main>", with: "\n<p><a href=\"#nowhere\">x</a></p></main>")
      .replacingOccurrences(of: "</body>", with: "\n<script>let x = 1;</script></body>")
    let problems = Self.validator.validate(Array(page.utf8))
    #expect(
      problems.contains {
        $0.line == Self.line(of: "#nowhere", in: page) && $0.message.contains("#nowhere")
      }, "\(problems)")
    #expect(
      problems.contains {
        $0.line == Self.line(of: "let x = 1", in: page)
          && $0.message.contains("is not in the Content-Security-Policy")
      }, "\(problems)")
  }
}
