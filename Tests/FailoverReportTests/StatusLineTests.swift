import Assessment
import Foundation
import Snapshot
import Testing

/// The status line's reasons come from one vocabulary, the README's table: every finding
/// code the assessment can give is in it, and every reason a real page's relationships get is
/// a code from it or a state's name.
@Suite("Status line vocabulary")
struct StatusLineTests {
  /// The codes the README's table lists, from its first column.
  static func documentedCodes() throws -> Set<String> {
    let readme = try String(
      contentsOf: TestSupport.root.appendingPathComponent("README.md"), encoding: .utf8)
    let marker = "<!-- status-reasons: read by Tests/FailoverReportTests/StatusLineTests.swift -->"
    let table =
      try #require(readme.components(separatedBy: marker).last)
      .components(separatedBy: "\n\n").first ?? ""
    var codes: Set<String> = []
    for line in table.split(separator: "\n") where line.hasPrefix("| `") {
      let first = line.split(separator: "|").first ?? ""
      for match in first.matches(of: /`([a-z-]+)`/) { codes.insert(String(match.1)) }
    }
    return codes
  }

  @Test("every finding code the assessment can give is in the README's table")
  func findingCodesDocumented() throws {
    let documented = try Self.documentedCodes()
    let folder = TestSupport.root.appendingPathComponent("Sources/Assessment")
    var given: Set<String> = []
    for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      let text = try String(
        contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      for match in text.matches(of: /Finding\(\s*[^,]+,\s*"([a-z-]+)"/) {
        given.insert(String(match.1))
      }
    }
    #expect(given.count >= 18, "the search finds the codes: \(given.sorted())")
    given.formUnion(["region-stale", "region-unusable", "unreachable", "state-unknown"])
    #expect(given.subtracting(documented).isEmpty, "undocumented: \(given.subtracting(documented))")
  }

  @Test("each relationship of a real page gets one reason: a documented code or a state's name")
  func reasonsFromTheVocabulary() throws {
    let documented = try Self.documentedCodes()
    let states = Set(KeaHAState.all + FailoverProtocolState.all.map(\.name))
    let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json")
    let snapshot = try Snapshot.decoded(fromJSON: Array(Data(contentsOf: fixture)))
    let assessment = Assessor.assess(snapshot)
    let troubled = assessment.relationships.filter { $0.severity != .ok }
    #expect(troubled.count >= 5)
    for relationship in troubled {
      let reason = relationship.reasonCode
      #expect(
        documented.contains(reason) || (states.contains(reason) && reason != "unavailable"),
        "\(relationship.name): \(reason)")
      #expect(!Severity.allCases.map(\.rawValue).contains(reason), "never a severity")
      #expect(!reason.contains("/"), "never two states")
    }
  }
}
