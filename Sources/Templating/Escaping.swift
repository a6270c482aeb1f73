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
    var text = text
    text.withUTF8 { bytes in
      var runStart = 0
      var position = 0
      let count = bytes.count
      while position < count {
        let byte = bytes[position]
        var replacement: StaticString?
        var width = 1
        switch byte {
        case 0x3C: replacement = #"\u003c"#
        case 0x3E: replacement = #"\u003e"#
        case 0x26: replacement = #"\u0026"#
        case 0xE2 where position + 2 < count && bytes[position + 1] == 0x80:
          // U+2028 and U+2029 end a line in JavaScript, so they must not appear raw.
          if bytes[position + 2] == 0xA8 { replacement = #"\u2028"# }
          if bytes[position + 2] == 0xA9 { replacement = #"\u2029"# }
          width = 3
        default: break
        }
        guard let replacement else {
          position += 1
          continue
        }
        if position > runStart {
          buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
        }
        buffer.append(
          contentsOf: UnsafeBufferPointer(
            start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
        position += width
        runStart = position
      }
      if count > runStart {
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
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
