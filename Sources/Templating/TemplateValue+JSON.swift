import JSONText

/// A JSON syntax error with its line and column (the reader's own type, by its former name).
public typealias JSONValueError = JSONSyntaxError

extension TemplateValue: JSONTree {
  public static func array(_ items: [TemplateValue]) -> TemplateValue { .list(items) }

  public static func object(_ pairs: [(String, TemplateValue)]) -> TemplateValue {
    .object(TemplateObject(pairs))
  }
  /// Reads JSON text (RFC 8259) into a value, keeping the order of object keys so that what
  /// renders from it is deterministic.
  public init(json bytes: [UInt8]) throws(JSONValueError) {
    self = try JSONReader.read(bytes)
  }

  /// Reads JSON text into a value, keeping the order of object keys.
  public init(json text: String) throws(JSONValueError) {
    try self.init(json: Array(text.utf8))
  }
}
