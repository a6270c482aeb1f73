import Foundation
import JSONText
import Testing

@testable import Collectors

/// Appliance answers read by the project's JSON reader: the tree the collectors pick fields
/// from, and what an answer that is not JSON gets.
@Suite("Appliance JSON")
struct JSONValueTests {
  @Test("objects, arrays, numbers, escapes and literals come out as sent")
  func shapes() throws {
    let value = try JSONValue.parse(
      Data(#"{"a": [1, -2.5e3, true, null], "b": "x\"\u00e9\ud83d\udca5", "c": {}}"#.utf8))
    #expect(value["a"] == .array([.number(1), .number(-2500), .bool(true), .null]))
    #expect(value["b"]?.string == "x\"é💥")
    #expect(value["c"] == .object([:]))
  }

  @Test("a repeated key keeps its last value")
  func repeatedKey() throws {
    #expect(
      try JSONValue.parse(Data(#"{"state": "a", "state": "b"}"#.utf8))["state"]?.string == "b")
  }

  @Test(
    "what is not JSON is an error with its line and column",
    arguments: [
      ("{\"a\": tru}", 1, 7), ("[1,\n 2,,]", 2, 4), ("<html>", 1, 1), ("{\"a\": 1} x", 1, 10),
      ("\"open", 1, 6),
    ])
  func notJSON(text: String, line: Int, column: Int) {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Data(text.utf8)) }
    do {
      _ = try JSONValue.parse(Data(text.utf8))
    } catch {
      #expect(error.line == line && error.column == column, "\(error)")
    }
  }

  @Test("nesting deeper than the limit is an error, not a stack overflow")
  func deepNesting() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Data(deep.utf8)) }
    let allowed =
      String(repeating: "[", count: JSONReader.maximumDepth)
      + String(repeating: "]", count: JSONReader.maximumDepth)
    #expect((try? JSONValue.parse(Data(allowed.utf8))) != nil)
  }
}
