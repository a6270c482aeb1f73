/// Reads JSON text (RFC 8259): strings, numbers (as `Double`), literals, arrays and objects
/// nested at most 512 deep, with line and column in every error. Written here because
/// Foundation's `JSONDecoder` can only reach an untyped tree through `Codable`, trying each
/// type in turn and throwing at every miss: decoding thousands of appliance answers that way
/// was the largest share of a run's work.
public enum JSONReader {
  /// How deep arrays and objects may nest: deeper is an error, not a stack overflow.
  public static let maximumDepth = 512

  public static func read<Tree: JSONTree>(_ bytes: [UInt8], as tree: Tree.Type = Tree.self)
    throws(JSONSyntaxError) -> Tree
  {
    var parser = JSONParser<Tree>(bytes: bytes)
    return try parser.parseDocument()
  }
}

struct JSONParser<Tree: JSONTree> {
  let bytes: [UInt8]
  var index = 0
  var depth = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
  }

  mutating func parseDocument() throws(JSONSyntaxError) -> Tree {
    let value = try parseValue()
    skipWhitespace()
    if index < bytes.count { throw error("expected the end of the document after the value") }
    return value
  }

  mutating func parseValue() throws(JSONSyntaxError) -> Tree {
    skipWhitespace()
    guard index < bytes.count else { throw error("expected a value, found the end of the text") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectWord("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("expected a value (object, array, string, number, true, false or null)")
    }
  }

  mutating func parseObject() throws(JSONSyntaxError) -> Tree {
    try enter()
    defer { depth -= 1 }
    index += 1
    var pairs: [(String, Tree)] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      index += 1
      return .object([])
    }
    while true {
      skipWhitespace()
      guard peek() == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
      let key = try parseString()
      skipWhitespace()
      guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
      index += 1
      pairs.append((key, try parseValue()))
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"):
        index += 1
        return .object(pairs)
      default: throw error("expected ',' or '}' in the object")
      }
    }
  }

  mutating func parseArray() throws(JSONSyntaxError) -> Tree {
    try enter()
    defer { depth -= 1 }
    index += 1
    var items: [Tree] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      items.append(try parseValue())
      skipWhitespace()
      switch peek() {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"):
        index += 1
        return .array(items)
      default: throw error("expected ',' or ']' in the array")
      }
    }
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    index += 1
    var runStart = index
    var utf8Run: [UInt8] = []
    while true {
      guard index < bytes.count else { throw error("this string is never closed") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        utf8Run.append(contentsOf: bytes[runStart..<index])
        index += 1
        break
      }
      if byte < 0x20 { throw error("a control character must be escaped inside a string") }
      if byte != UInt8(ascii: "\\") {
        index += 1
        continue
      }
      utf8Run.append(contentsOf: bytes[runStart..<index])
      index += 1
      guard index < bytes.count else { throw error("this string is never closed") }
      let escaped = bytes[index]
      index += 1
      switch escaped {
      case UInt8(ascii: "\""): utf8Run.append(0x22)
      case UInt8(ascii: "\\"): utf8Run.append(0x5C)
      case UInt8(ascii: "/"): utf8Run.append(0x2F)
      case UInt8(ascii: "b"): utf8Run.append(0x08)
      case UInt8(ascii: "f"): utf8Run.append(0x0C)
      case UInt8(ascii: "n"): utf8Run.append(0x0A)
      case UInt8(ascii: "r"): utf8Run.append(0x0D)
      case UInt8(ascii: "t"): utf8Run.append(0x09)
      case UInt8(ascii: "u"):
        var code = try parseHex4()
        if (0xD800...0xDBFF).contains(code), peek() == UInt8(ascii: "\\"),
          index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          let low = try parseHex4()
          if (0xDC00...0xDFFF).contains(low) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else {
            code = 0xFFFD
          }
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        utf8Run.append(contentsOf: String(scalar).utf8)
      default: throw error("unknown escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
      }
      runStart = index
    }
    return String(decoding: utf8Run, as: UTF8.self)
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("expected four hex digits after \\u")
      }
      value = value * 16 + digit
      index += 1
    }
    return value
  }

  mutating func parseNumber() throws(JSONSyntaxError) -> Tree {
    let start = index
    if peek() == UInt8(ascii: "-") { index += 1 }
    while let byte = peek(),
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
        || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
        || byte == UInt8(ascii: "-")
    {
      index += 1
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    guard let number = Double(text), number.isFinite else {
      index = start
      throw error("'\(text)' is not a number")
    }
    return .number(number)
  }

  mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    guard index + expected.count <= bytes.count,
      bytes[index..<(index + expected.count)].elementsEqual(expected)
    else { throw error("expected '\(word)'") }
    index += expected.count
  }

  mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > JSONReader.maximumDepth {
      throw error("arrays and objects nest more than \(JSONReader.maximumDepth) deep")
    }
  }

  func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  mutating func skipWhitespace() {
    while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
      index += 1
    }
  }

  func error(_ message: String) -> JSONSyntaxError {
    var line = 1
    var lineStart = 0
    for position in 0..<min(index, bytes.count) where bytes[position] == 0x0A {
      line += 1
      lineStart = position + 1
    }
    let column =
      String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1
    return JSONSyntaxError(line: line, column: column, message: message)
  }
}
