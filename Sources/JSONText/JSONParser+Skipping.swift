/// The tree of a parser that only skips or pulls: it is never built.
enum JSONSkippedValue: JSONTree {
  case skipped

  static func string(_ value: String) -> JSONSkippedValue { .skipped }
  static func number(_ value: Double) -> JSONSkippedValue { .skipped }
  static func bool(_ value: Bool) -> JSONSkippedValue { .skipped }
  static var null: JSONSkippedValue { .skipped }
  static func array(_ items: [JSONSkippedValue]) -> JSONSkippedValue { .skipped }
  static func object(_ pairs: [(String, JSONSkippedValue)]) -> JSONSkippedValue { .skipped }
}

extension JSONParser {
  /// Moves past one value, checking its syntax as `parseValue` does but making nothing of it.
  mutating func skipValue() throws(JSONSyntaxError) {
    skipWhitespace()
    guard let first = peek() else { throw error("expected a value, found the end of the text") }
    switch first {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      let isObject = first == UInt8(ascii: "{")
      try enter()
      defer { depth -= 1 }
      index += 1
      skipWhitespace()
      if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
        index += 1
        return
      }
      while true {
        if isObject {
          skipWhitespace()
          guard peek() == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
          try skipString()
          skipWhitespace()
          guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
          index += 1
        }
        try skipValue()
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","): index += 1
        case isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"):
          index += 1
          return
        default:
          throw error(
            isObject ? "expected ',' or '}' in the object" : "expected ',' or ']' in the array")
        }
      }
    case UInt8(ascii: "\""): try skipString()
    case UInt8(ascii: "t"): try expectWord("true")
    case UInt8(ascii: "f"): try expectWord("false")
    case UInt8(ascii: "n"): try expectWord("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
    default: throw error("expected a value (object, array, string, number, true, false or null)")
    }
  }

  /// Moves past a string: closed, no raw control characters, known escapes.
  private mutating func skipString() throws(JSONSyntaxError) {
    index += 1
    try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
      while index < buffer.count {
        let byte = buffer[index]
        if byte == UInt8(ascii: "\"") {
          index += 1
          return
        }
        if byte < 0x20 { throw error("a control character must be escaped inside a string") }
        index += 1
        guard byte == UInt8(ascii: "\\") else { continue }
        guard index < buffer.count else { break }
        switch buffer[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
          UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          index += 1
        case UInt8(ascii: "u"):
          index += 1
          _ = try parseHex4()
        default:
          throw error(
            "unknown escape '\\\(Character(Unicode.Scalar(buffer[index])))' in a string")
        }
      }
      throw error("this string is never closed")
    }
  }

  /// Moves past a number: an optional minus, digits, an optional fraction and exponent.
  mutating func skipNumber() throws(JSONSyntaxError) {
    let start = index
    func digits() -> Int {
      let from = index
      while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
      return index - from
    }
    if peek() == UInt8(ascii: "-") { index += 1 }
    var valid = digits() > 0
    if peek() == UInt8(ascii: ".") {
      index += 1
      valid = valid && digits() > 0
    }
    if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
      index += 1
      if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
      valid = valid && digits() > 0
    }
    guard valid else {
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      index = start
      throw error("'\(text)' is not a number")
    }
  }
}
