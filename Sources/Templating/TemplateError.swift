/// A mistake in a template or in the data it was given, with where it was found.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The template's name (a file name for templates read from disk).
  public var template: String
  /// 1-based line of the tag.
  public var line: Int
  /// 1-based column of the tag, in characters.
  public var column: Int
  /// The whole text of the line, to show under the message.
  public var lineText: String
  /// The key the tag names, when there is one.
  public var key: String?
  /// What went wrong, as a sentence.
  public var message: String

  public var description: String {
    var text = "\(template):\(line):\(column): \(message)"
    if !lineText.isEmpty {
      text += "\n    \(lineText)\n    " + String(repeating: " ", count: max(0, column - 1)) + "^"
    }
    return text
  }
}

/// Where a node came from, kept as a byte offset so parsing stays cheap; the line and column
/// are worked out only when an error is reported.
struct SourceLocation: Sendable {
  var offset: Int
}

extension TemplateError {
  init(source: TemplateSource, at location: SourceLocation, key: String?, message: String) {
    let bytes = source.bytes
    let offset = min(max(0, location.offset), bytes.count)
    var lineStart = 0
    var line = 1
    var index = 0
    while index < offset {
      if bytes[index] == 0x0A {
        line += 1
        lineStart = index + 1
      }
      index += 1
    }
    var lineEnd = lineStart
    while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
    let prefix = String(decoding: bytes[lineStart..<offset], as: UTF8.self)
    self.init(
      template: source.name, line: line, column: prefix.count + 1,
      lineText: String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self), key: key,
      message: message)
  }
}

/// A template's name and bytes, shared by every node compiled from it.
final class TemplateSource: Sendable {
  let name: String
  let bytes: [UInt8]

  init(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }
}
