/// Reads a JSON document straight into the caller's own types, value by value, without a tree
/// in between: the caller asks for an object, an array, a string, a number, and the reader
/// says what it found instead when that is something else.
///
/// Written for documents of tens of megabytes (a merged snapshot of 50,000 servers), where
/// Foundation's `JSONDecoder` spent most of its time looking up generic metadata for each
/// keyed container, and a generic tree would hold every value twice. Every error carries the
/// line, the column and the path of the value (`.appliances[3].kind`).
public struct JSONPullReader {
  /// One step of the path to the value being read.
  private enum Step {
    case key(JSONKey)
    case index(Int)
  }

  private var parser: JSONParser<JSONSkippedValue>
  private var path: [Step] = []

  public init(_ bytes: [UInt8]) {
    parser = JSONParser(bytes: bytes)
  }

  /// Reads an object, calling `member` with each key in document order; `member` must read
  /// or skip that key's value.
  public mutating func readObject(
    _ member: (inout JSONPullReader, JSONKey) throws(JSONSyntaxError) -> Void
  ) throws(JSONSyntaxError) {
    if try open(UInt8(ascii: "{"), UInt8(ascii: "}"), "an object") { return }
    defer { parser.depth -= 1 }
    while true {
      parser.skipWhitespace()
      guard parser.peek() == UInt8(ascii: "\"") else {
        throw error("expected a key in double quotes")
      }
      let key = try readKey()
      parser.skipWhitespace()
      guard parser.peek() == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
      parser.index += 1
      path.append(.key(key))
      try member(&self, key)
      path.removeLast()
      parser.skipWhitespace()
      switch parser.peek() {
      case UInt8(ascii: ","): parser.index += 1
      case UInt8(ascii: "}"):
        parser.index += 1
        return
      default: throw error("expected ',' or '}' in the object")
      }
    }
  }

  /// Reads an array, calling `element` once per element; `element` must read or skip it.
  public mutating func readArray(_ element: (inout JSONPullReader) throws(JSONSyntaxError) -> Void)
    throws(JSONSyntaxError)
  {
    if try open(UInt8(ascii: "["), UInt8(ascii: "]"), "an array") { return }
    defer { parser.depth -= 1 }
    var index = 0
    while true {
      path.append(.index(index))
      try element(&self)
      path.removeLast()
      index += 1
      parser.skipWhitespace()
      switch parser.peek() {
      case UInt8(ascii: ","): parser.index += 1
      case UInt8(ascii: "]"):
        parser.index += 1
        return
      default: throw error("expected ',' or ']' in the array")
      }
    }
  }

  public mutating func readString() throws(JSONSyntaxError) -> String {
    try expect(UInt8(ascii: "\""), "a string")
    return try parser.parseString()
  }

  /// A whole number. Written as digits it is read as digits; a fraction or an exponent is
  /// accepted only when the number it spells is a whole one that fits.
  public mutating func readInt() throws(JSONSyntaxError) -> Int {
    parser.skipWhitespace()
    guard let first = parser.peek(), first == UInt8(ascii: "-") || isDigit(first) else {
      throw mismatch("a whole number")
    }
    let start = parser.index
    let negative = first == UInt8(ascii: "-")
    if negative { parser.index += 1 }
    var value = 0
    var overflow = false
    var digits = 0
    while let byte = parser.peek(), isDigit(byte) {
      let (times, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times.subtractingReportingOverflow(Int(byte - UInt8(ascii: "0")))
      overflow = overflow || o1 || o2
      value = sum
      digits += 1
      parser.index += 1
    }
    if let byte = parser.peek(),
      byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    {
      parser.index = start
      try parser.skipNumber()
      let text = String(decoding: parser.bytes[start..<parser.index], as: UTF8.self)
      guard let double = Double(text), let whole = Int(exactly: double) else {
        parser.index = start
        throw error("expected a whole number, found \(text)")
      }
      return whole
    }
    // Accumulated as a negative number, so that Int.min fits.
    guard digits > 0, !overflow, negative || value != Int.min else {
      parser.index = start
      throw error("expected a whole number that fits in 64 bits")
    }
    return negative ? value : -value
  }

  public mutating func readBool() throws(JSONSyntaxError) -> Bool {
    parser.skipWhitespace()
    switch parser.peek() {
    case UInt8(ascii: "t"):
      try parser.expectWord("true")
      return true
    case UInt8(ascii: "f"):
      try parser.expectWord("false")
      return false
    default: throw mismatch("true or false")
    }
  }

  /// Whether the next value is `null`, which is then read; anything else is left to read.
  public mutating func readNull() throws(JSONSyntaxError) -> Bool {
    parser.skipWhitespace()
    guard parser.peek() == UInt8(ascii: "n") else { return false }
    try parser.expectWord("null")
    return true
  }

  /// Moves past the next value, checking its syntax: a member the caller does not know.
  /// Returns where the value's text is in the document.
  @discardableResult
  public mutating func skipValue() throws(JSONSyntaxError) -> Range<Int> {
    parser.skipWhitespace()
    let start = parser.index
    try parser.skipValue()
    return start..<parser.index
  }

  /// Checks that nothing but whitespace follows the value read.
  public mutating func finish() throws(JSONSyntaxError) {
    parser.skipWhitespace()
    if parser.index < parser.bytes.count {
      throw parser.error("expected the end of the document after the value")
    }
  }

  /// An error at the value being read, naming its path: "line 1, column 80:
  /// .appliances[3].kind: …".
  public func error(_ message: String) -> JSONSyntaxError {
    var described = ""
    for step in path {
      switch step {
      case .key(let key): described += "." + key.text
      case .index(let index): described += "[\(index)]"
      }
    }
    return parser.error(described.isEmpty ? message : described + ": " + message)
  }

  /// The error for an object that lacks a member it must have.
  public func missing(_ key: String) -> JSONSyntaxError {
    error("the required member \"\(key)\" is missing")
  }

  /// Moves into the object or array at the reader. True when it is empty, and then already
  /// closed; otherwise the caller reads its members and leaves its depth.
  private mutating func open(_ opening: UInt8, _ closing: UInt8, _ what: String)
    throws(JSONSyntaxError) -> Bool
  {
    try expect(opening, what)
    try parser.enter()
    parser.index += 1
    parser.skipWhitespace()
    guard parser.peek() == closing else { return false }
    parser.index += 1
    parser.depth -= 1
    return true
  }

  private mutating func expect(_ opening: UInt8, _ what: String) throws(JSONSyntaxError) {
    parser.skipWhitespace()
    guard parser.peek() == opening else { throw mismatch(what) }
  }

  /// "expected a string, found a number", at the value.
  private func mismatch(_ expected: String) -> JSONSyntaxError {
    let found: String
    switch parser.peek() {
    case nil: found = "the end of the text"
    case UInt8(ascii: "{"): found = "an object"
    case UInt8(ascii: "["): found = "an array"
    case UInt8(ascii: "\""): found = "a string"
    case UInt8(ascii: "t"), UInt8(ascii: "f"): found = "true or false"
    case UInt8(ascii: "n"): found = "null"
    case .some(let byte) where byte == UInt8(ascii: "-") || isDigit(byte): found = "a number"
    default: found = "something that is not JSON"
    }
    return error("expected \(expected), found \(found)")
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// A key, as its bytes in the document when it holds no escape (almost always), else as
  /// the bytes of the text it spells.
  private mutating func readKey() throws(JSONSyntaxError) -> JSONKey {
    let start = parser.index + 1
    var end = start
    let bytes = parser.bytes
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
      bytes[end] >= 0x20
    {
      end += 1
    }
    if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
      parser.index = end + 1
      return JSONKey(bytes: bytes[start..<end])
    }
    return JSONKey(bytes: ArraySlice(try parser.parseString().utf8))
  }
}

/// An object's key as `JSONPullReader` hands it over: compared with a literal in place, so a
/// `switch key { case "name": … }` over thousands of objects makes no strings.
public struct JSONKey: Sendable {
  let bytes: ArraySlice<UInt8>

  /// The key as text, for messages.
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
    key.bytes.elementsEqual(
      UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount))
  }
}
