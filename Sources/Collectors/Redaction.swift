import Foundation

/// Removes secrets from anything kept as evidence.
enum Redaction {
  /// Keys whose values are secrets in Kea's answers (`config-get` echoes peer passwords).
  static let secretKeys = [
    "basic-auth-password", "password", "secret", "key", "api-key", "token", "client-secret",
  ]

  /// Replaces the values of secret keys in JSON text with "***", and every known secret
  /// wherever it appears.
  static func redact(_ text: String, secrets: [String]) -> String {
    var result = redactSecretValues(text)
    for secret in secrets where !secret.isEmpty {
      result = result.replacingOccurrences(of: secret, with: "***")
    }
    return result
  }

  /// Every `"key": "value"` whose key is one of `secretKeys` (in any ASCII letter case, with
  /// any whitespace around the colon) becomes `"key": "***"`, wherever it stands: the text may
  /// be JSON, or an error page that only looks like it.
  ///
  /// One pass over the bytes per key, as the regular expressions these passes replaced did
  /// (so the odd cases of malformed text come out the same): a run asks thousands of servers
  /// three questions each, and compiling and running a regular expression per key per answer
  /// was a tenth of its time.
  static func redactSecretValues(_ text: String) -> String {
    var bytes = Array(text.utf8)
    var changed = false
    for key in keyBytes {
      if let redacted = redact(key, in: bytes) {
        bytes = redacted
        changed = true
      }
    }
    return changed ? String(decoding: bytes, as: UTF8.self) : text
  }

  private static let quoteByte = UInt8(ascii: "\"")
  private static let backslash = UInt8(ascii: "\\")
  private static let keyBytes = secretKeys.map { Array($0.utf8) }
  private static let redactedValue = Array("\"***\"".utf8)

  /// The bytes with every value of `key` redacted, or nil when there is none.
  private static func redact(_ key: [UInt8], in bytes: [UInt8]) -> [UInt8]? {
    var output: [UInt8] = []
    var copied = 0
    var index = 0
    while let quote = bytes[index...].firstIndex(of: quoteByte) {
      guard let value = value(of: key, in: bytes, keyAt: quote) else {
        index = quote + 1
        continue
      }
      if output.isEmpty { output.reserveCapacity(bytes.count) }
      output += bytes[copied..<value.lowerBound]
      output += redactedValue
      copied = value.upperBound
      index = value.upperBound
    }
    guard copied > 0 else { return nil }
    output += bytes[copied...]
    return output
  }

  /// When `key`'s quoted name starts at `start` and a string value follows its colon, the
  /// range of that value, quotes included.
  private static func value(of key: [UInt8], in bytes: [UInt8], keyAt start: Int) -> Range<Int>? {
    let end = start + 1 + key.count
    guard end < bytes.count, bytes[end] == quoteByte else { return nil }
    for (offset, expected) in key.enumerated() {
      var byte = bytes[start + 1 + offset]
      if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
      if byte != expected { return nil }
    }
    var index = skipWhitespace(in: bytes, from: end + 1)
    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
    index = skipWhitespace(in: bytes, from: index + 1)
    guard index < bytes.count, bytes[index] == quoteByte else { return nil }
    let valueStart = index
    index += 1
    while index < bytes.count {
      switch bytes[index] {
      case quoteByte: return valueStart..<(index + 1)
      // An escape covers the next character, whatever it is (a UTF-8 lead byte: the
      // continuation bytes that follow are never a quote or a backslash).
      case backslash: index += 2
      default: index += 1
      }
    }
    return nil
  }

  /// Past any whitespace at `index`, as ICU's `\s` takes it (Unicode's White_Space: ASCII
  /// tab to carriage return, space, next line, and the Unicode spaces), in UTF-8.
  private static func skipWhitespace(in bytes: [UInt8], from start: Int) -> Int {
    var index = start
    while index < bytes.count {
      let length = whitespaceLength(bytes, index)
      if length == 0 { return index }
      index += length
    }
    return index
  }

  private static func whitespaceLength(_ bytes: [UInt8], _ index: Int) -> Int {
    let byte = bytes[index]
    if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return 1 }
    func next(_ offset: Int) -> UInt8? {
      index + offset < bytes.count ? bytes[index + offset] : nil
    }
    switch byte {
    case 0xC2 where next(1) == 0x85 || next(1) == 0xA0: return 2  // next line, no-break space
    case 0xE1 where next(1) == 0x9A && next(2) == 0x80: return 3  // ogham space
    case 0xE2:
      guard let second = next(1), let third = next(2) else { return 0 }
      // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F
      if second == 0x80 && ((0x80...0x8A).contains(third) || [0xA8, 0xA9, 0xAF].contains(third)) {
        return 3
      }
      return second == 0x81 && third == 0x9F ? 3 : 0
    case 0xE3 where next(1) == 0x80 && next(2) == 0x80: return 3  // ideographic space
    default: return 0
    }
  }

  /// A URL with user and password taken out.
  static func endpoint(_ url: URL) -> String {
    guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
      return url.absoluteString
    }
    components.user = nil
    components.password = nil
    return components.string ?? url.absoluteString
  }
}
