import Foundation
import JSONText
import Snapshot
import Testing

/// A snapshot read in outline (`Snapshot.outline(of:)`): every member but the appliances,
/// which are checked as JSON and skipped. `merge` reads the previous merged snapshot and each
/// region's header that way.
@Suite("Snapshots read in outline")
struct SnapshotOutlineTests {
  static func pinned() throws -> [UInt8] {
    try TestSupport.read(TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json"))
  }

  @Test("the outline decodes to the snapshot without its appliances, merged or not")
  func sameAsWhole() throws {
    let decoder = Snapshot.makeDecoder()
    var whole = try decoder.decode(Snapshot.self, from: Data(try Self.pinned()))
    #expect(!whole.appliances.isEmpty)
    whole.judging = JudgingThresholds(interruptedCriticalAfter: 7200)
    whole.regions = [
      RegionReport(
        name: "emea \"west\"", source: "/srv/emea", status: .stale, problem: "late\n",
        collectedAt: whole.collectedAt, generator: "g", snapshotDigest: "ab",
        maximumAgeSeconds: 900, intervalsSeconds: [300, 301])
    ]
    var oneRun = whole
    oneRun.regions = nil
    for snapshot in [whole, oneRun] {
      let outline = try Snapshot.outline(of: snapshot.encodedJSON())
      var expected = snapshot
      expected.appliances = []
      #expect(try decoder.decode(Snapshot.self, from: Data(outline)) == expected)
      #expect(outline.count < 1_000)
    }
  }

  @Test("members keep document order and the exact text of each value")
  func members() throws {
    let text = #" { "a" : [1, {"b": "}]\"\\"}, -0.5e+3], "k\u0022ey": "x\ny", "c": null , "d":{}} "#
    let bytes = Array(text.utf8)
    let members = try JSONReader.members(ofObject: bytes)
    #expect(members.map(\.key) == ["a", "k\"ey", "c", "d"])
    #expect(
      members.map { String(decoding: bytes[$0.value], as: UTF8.self) } == [
        #"[1, {"b": "}]\"\\"}, -0.5e+3]"#, #""x\ny""#, "null", "{}",
      ])
    #expect(try JSONReader.members(ofObject: Array("{}".utf8)).isEmpty)
  }

  /// Skipping checks what it skips: a damaged snapshot is refused with where it is damaged,
  /// as the full reader would refuse it.
  @Test(
    "a damaged document is refused with its line and column",
    arguments: [
      ("{\"appliances\": [1, 2}", 1, 21, "expected ',' or ']' in the array"),
      (
        "{\"appliances\": [\"ab\n\"]}", 1, 20, "a control character must be escaped inside a string"
      ),
      ("{\"appliances\": [\"a\\qb\"]}", 1, 20, "unknown escape '\\q' in a string"),
      ("{\"appliances\": [1.]}", 1, 17, "'1.' is not a number"),
      ("{\"appliances\": [-]}", 1, 17, "'-' is not a number"),
      ("{\"appliances\": [tru]}", 1, 17, "expected 'true'"),
      ("{\"format\": 1}\n x", 2, 2, "expected the end of the document after the value"),
      ("{\"appliances\": [\"never closed", 1, 30, "this string is never closed"),
      ("[1]", 1, 1, "expected an object, found an array"),
      ("{\"a\": 1,}", 1, 9, "expected a key in double quotes"),
    ])
  func damaged(text: String, line: Int, column: Int, message: String) {
    let error = #expect(throws: JSONSyntaxError.self) {
      try JSONReader.members(ofObject: Array(text.utf8))
    }
    #expect(error.map { [$0.line, $0.column] } == [line, column])
    #expect(error?.message == message)
  }

  @Test("nesting deeper than the reader allows is an error, not a stack overflow")
  func deep() {
    let text =
      "{\"a\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
      + "}"
    #expect(throws: JSONSyntaxError.self) { try JSONReader.members(ofObject: Array(text.utf8)) }
  }
}
