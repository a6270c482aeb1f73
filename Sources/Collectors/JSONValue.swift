import Foundation
import JSONText

/// Any JSON, read without trusting its shape: an appliance may send anything, so fields are
/// taken one by one and a field of the wrong type is treated as absent.
enum JSONValue: JSONTree, Sendable, Equatable {
  case string(String)
  case number(Double)
  case bool(Bool)
  case null
  case array([JSONValue])
  case object([String: JSONValue])

  /// A repeated key keeps its last value.
  static func object(_ pairs: [(String, JSONValue)]) -> JSONValue {
    .object(Dictionary(pairs, uniquingKeysWith: { _, last in last }))
  }

  static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
    try JSONReader.read(Array(data))
  }

  subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// A whole number within Int's range; fractions, NaN and huge values are not integers.
  var int: Int? {
    guard case .number(let value) = self, value.rounded() == value, abs(value) < 9.0e15 else {
      return nil
    }
    return Int(value)
  }

  var bool: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  var array: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  var strings: [String]? {
    guard let array else { return nil }
    return array.compactMap(\.string)
  }
}
