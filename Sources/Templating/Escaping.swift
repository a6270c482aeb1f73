/// How interpolated text is escaped before it is written.
public enum Escaping: Sendable {
  /// HTML and XML text and attribute values: `& < > " '` become character references that are
  /// valid in both HTML and XML, so the page stays well-formed.
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

  static func appendHTML(_ text: String, to buffer: inout [UInt8]) {
    var text = text
    text.withUTF8 { bytes in
      // Copy runs of ordinary bytes in one go; only the five special bytes are replaced.
      var runStart = 0
      var position = 0
      let count = bytes.count
      while position < count {
        let byte = bytes[position]
        if byte > 0x3E
          || (byte != 0x26 && byte != 0x3C && byte != 0x3E && byte != 0x22 && byte != 0x27)
        {
          position += 1
          continue
        }
        if position > runStart {
          buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
        }
        switch byte {
        case 0x26: buffer.append(contentsOf: Self.ampersand)
        case 0x3C: buffer.append(contentsOf: Self.lessThan)
        case 0x3E: buffer.append(contentsOf: Self.greaterThan)
        case 0x22: buffer.append(contentsOf: Self.quote)
        default: buffer.append(contentsOf: Self.apostrophe)
        }
        position += 1
        runStart = position
      }
      if count > runStart {
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
      }
    }
  }

  static func appendJSON(_ text: String, to buffer: inout [UInt8]) {
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x3C: buffer.append(contentsOf: Array(#"\u003c"#.utf8))
      case 0x3E: buffer.append(contentsOf: Array(#"\u003e"#.utf8))
      case 0x26: buffer.append(contentsOf: Array(#"\u0026"#.utf8))
      case 0x2028: buffer.append(contentsOf: Array(#"\u2028"#.utf8))
      case 0x2029: buffer.append(contentsOf: Array(#"\u2029"#.utf8))
      default: buffer.append(contentsOf: String(scalar).utf8)
      }
    }
  }

  private static let ampersand = Array("&amp;".utf8)
  private static let lessThan = Array("&lt;".utf8)
  private static let greaterThan = Array("&gt;".utf8)
  private static let quote = Array("&quot;".utf8)
  private static let apostrophe = Array("&#39;".utf8)
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
  var buffer: [UInt8] = []
  Escaping.appendJSON(json, to: &buffer)
  return String(decoding: buffer, as: UTF8.self)
}
