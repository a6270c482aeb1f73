/// How interpolated text is escaped before it is written.
public enum Escaping: Sendable {
  /// HTML and XML text and attribute values: `& < > " '` become character references that are
  /// valid in both HTML and XML, so the page stays well-formed. Bidirectional embedding,
  /// override and isolate controls become their code point as text (`[U+202E]`): raw, they
  /// would reorder the text around them, so an appliance could make one name read as another.
  case html
  /// JSON inside `<script type="application/json">`: the text must already be JSON; `<`, `>`,
  /// `&`, U+2028 and U+2029 become `\u` escapes so the script element cannot be closed early.
  case jsonInScript
  /// Plain text (emails, text reports): written as it is.
  case none
}

extension Escaping {
  func append(_ text: String, to buffer: inout [UInt8]) {
    switch self {
    case .none: buffer.append(contentsOf: text.utf8)
    case .html: Self.appendHTML(text, to: &buffer)
    case .jsonInScript: Self.appendJSON(text, to: &buffer)
    }
  }

  /// The first bytes of everything `appendHTML` and `appendJSON` replace: ASCII bytes below
  /// 0x40, as bits of one word, and E2, the first byte of the bidirectional controls and of
  /// U+2028 and U+2029.
  private static let htmlSpecial = LowBytes([0x26, 0x3C, 0x3E, 0x22, 0x27])
  private static let jsonSpecial = LowBytes([0x3C, 0x3E, 0x26])

  static func appendHTML(_ text: String, to buffer: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendHTML($0, to: &buffer) }
  }

  static func appendHTML(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
    appendReplacing(bytes, to: &buffer, candidates: Self.htmlSpecial) {
      bytes, position in
      switch bytes[position] {
      case 0x26: return ("&amp;", 1)
      case 0x3C: return ("&lt;", 1)
      case 0x3E: return ("&gt;", 1)
      case 0x22: return ("&quot;", 1)
      case 0x27: return ("&#39;", 1)
      case 0xE2 where position + 2 < bytes.count:
        return bidiControl(bytes[position + 1], bytes[position + 2]).map { ($0, 3) }
      default: return nil
      }
    }
  }

  /// The visible stand-in for U+202A–U+202E and U+2066–U+2069, given the second and third
  /// bytes of their UTF-8 form (the first is E2).
  private static func bidiControl(_ second: UInt8, _ third: UInt8) -> StaticString? {
    switch (second, third) {
    case (0x80, 0xAA): "[U+202A]"
    case (0x80, 0xAB): "[U+202B]"
    case (0x80, 0xAC): "[U+202C]"
    case (0x80, 0xAD): "[U+202D]"
    case (0x80, 0xAE): "[U+202E]"
    case (0x81, 0xA6): "[U+2066]"
    case (0x81, 0xA7): "[U+2067]"
    case (0x81, 0xA8): "[U+2068]"
    case (0x81, 0xA9): "[U+2069]"
    default: nil
    }
  }

  static func appendJSON(_ text: String, to buffer: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendJSON($0, to: &buffer) }
  }

  static func appendJSON(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
    appendReplacing(bytes, to: &buffer, candidates: Self.jsonSpecial) {
      bytes, position in
      switch bytes[position] {
      case 0x3C: return (#"\u003c"#, 1)
      case 0x3E: return (#"\u003e"#, 1)
      case 0x26: return (#"\u0026"#, 1)
      case 0xE2 where position + 2 < bytes.count && bytes[position + 1] == 0x80:
        // U+2028 and U+2029 end a line in JavaScript, so they must not appear raw.
        if bytes[position + 2] == 0xA8 { return (#"\u2028"#, 3) }
        if bytes[position + 2] == 0xA9 { return (#"\u2029"#, 3) }
        return nil
      default: return nil
      }
    }
  }

  /// Copies `bytes` into `buffer`, runs of ordinary bytes in one go, putting `replacement`'s
  /// text in place of the bytes it names (and how many it covers). Only bytes in `candidates`
  /// are offered to `replacement`: the embedded snapshot of a large fleet is tens of
  /// megabytes, and a bit test per byte costs a fraction of a call.
  @inline(__always)
  private static func appendReplacing(
    _ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8], candidates: LowBytes,
    replacement: (UnsafeBufferPointer<UInt8>, Int) -> (StaticString, Int)?
  ) {
    var runStart = 0
    var position = 0
    let count = bytes.count
    while position < count {
      guard candidates.contains(bytes[position]),
        let (escape, width) = replacement(bytes, position)
      else {
        position += 1
        continue
      }
      if position > runStart {
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
      }
      buffer.append(
        contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount))
      position += width
      runStart = position
    }
    if count > runStart {
      buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
    }
  }
}

/// Escapes text for HTML and XML, as templates do for `{{name}}`.
public func htmlEscaped(_ text: String) -> String {
  var buffer: [UInt8] = []
  buffer.reserveCapacity(text.utf8.count)
  Escaping.appendHTML(text, to: &buffer)
  return String(decoding: buffer, as: UTF8.self)
}

/// Escapes JSON text for embedding in a `<script type="application/json">` element.
public func jsonEscapedForScript(_ json: String) -> String {
  String(decoding: jsonEscapedForScript(Array(json.utf8)), as: UTF8.self)
}

/// Escapes JSON bytes for embedding in a `<script type="application/json">` element: one
/// pass, for a snapshot of tens of megabytes.
public func jsonEscapedForScript(_ json: [UInt8]) -> [UInt8] {
  var buffer: [UInt8] = []
  // Escapes are rare in a snapshot (`<` and `&` in appliances' answers): room for some.
  buffer.reserveCapacity(json.count + json.count / 64 + 16)
  json.withUnsafeBufferPointer { Escaping.appendJSON($0, to: &buffer) }
  return buffer
}

/// A set of bytes below 0x40, plus E2, the one byte above it that escaping looks at: a test
/// per byte is a shift and a mask, which matters for tens of megabytes of embedded snapshot.
struct LowBytes {
  private var bits: UInt64 = 0

  init(_ bytes: [UInt8]) {
    for byte in bytes where byte < 64 { bits |= UInt64(1) << UInt64(byte) }
  }

  @inline(__always)
  func contains(_ byte: UInt8) -> Bool {
    byte < 64 ? (bits >> UInt64(byte)) & 1 != 0 : byte == 0xE2
  }
}
