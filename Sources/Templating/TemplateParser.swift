/// Turns template text into nodes in one pass over its bytes, then one over its tags.
///
/// Tokenizing comes first so that "standalone" lines (a line holding only tags that print
/// nothing) can be judged with the whole line in view; the tree is built from the tokens after.
struct TemplateParser {
  /// How deep sections, blocks and parents may nest in one template.
  static let maximumNesting = 100

  private let source: TemplateSource
  private var tokens: [Token] = []

  init(source: TemplateSource) {
    self.source = source
  }

  static func parse(_ source: TemplateSource) throws(TemplateError) -> [Node] {
    var parser = TemplateParser(source: source)
    try parser.tokenize()
    parser.markStandaloneLines()
    var index = 0
    return try parser.buildNodes(from: &index, closing: nil, depth: 0)
  }

  // MARK: - Tokens

  private enum TagKind: Equatable {
    case variable, unescaped, section, inverted, close, partial, parent, block, comment, delimiter

    /// Tags that print nothing where they stand, so a line holding only them is removed.
    var canStandAlone: Bool {
      switch self {
      case .variable, .unescaped: return false
      default: return true
      }
    }
  }

  private struct Tag {
    var kind: TagKind
    var content: Substring
    var start: Int
    var end: Int
    /// For a close tag: whether it closes a block or a parent, which group onto one line.
    var closesInheritance = false
    /// For partials, parents and blocks on a standalone line: the whitespace before the tag.
    var indentation: String?
    /// For a block whose open and close tags share a standalone line.
    var isInlinePair = false
  }

  private enum Token {
    case text(start: Int, end: Int)
    case tag(Tag)
  }

  private mutating func tokenize() throws(TemplateError) {
    let bytes = source.bytes
    var open: [UInt8] = Array("{{".utf8)
    var close: [UInt8] = Array("}}".utf8)
    var position = 0
    var openKinds: [TagKind] = []
    while position < bytes.count {
      guard let tagStart = Self.find(open, in: bytes, from: position) else {
        tokens.append(.text(start: position, end: bytes.count))
        break
      }
      if tagStart > position { tokens.append(.text(start: position, end: tagStart)) }
      var contentStart = tagStart + open.count
      var closing = close
      var isTriple = false
      if contentStart < bytes.count, bytes[contentStart] == UInt8(ascii: "{") {
        isTriple = true
        closing = [UInt8(ascii: "}")] + close
        contentStart += 1
      }
      guard let contentEnd = Self.find(closing, in: bytes, from: contentStart) else {
        throw error(
          at: tagStart, key: nil,
          "this tag is never closed: expected \(String(decoding: closing, as: UTF8.self))")
      }
      let tagEnd = contentEnd + closing.count
      let raw = Self.substring(bytes, contentStart, contentEnd)
      var tag = try classify(raw, isTriple: isTriple, start: tagStart, end: tagEnd)
      switch tag.kind {
      case .section, .inverted, .parent, .block: openKinds.append(tag.kind)
      case .close:
        if let last = openKinds.popLast() {
          tag.closesInheritance = last == .parent || last == .block
        }
      case .delimiter:
        let parts = tag.content.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, !parts[0].contains("="), !parts[1].contains("=") else {
          throw error(
            at: tagStart, key: nil, "a set-delimiter tag takes two delimiters, as in {{=<% %>=}}")
        }
        open = Array(parts[0].utf8)
        close = Array(parts[1].utf8)
      default: break
      }
      tokens.append(.tag(tag))
      position = tagEnd
    }
  }

  private func classify(_ raw: Substring, isTriple: Bool, start: Int, end: Int)
    throws(TemplateError)
    -> Tag
  {
    let trimmed = Self.trim(raw)
    if isTriple {
      return try named(.unescaped, Self.trim(trimmed), start, end)
    }
    guard let sigil = trimmed.first else {
      throw error(at: start, key: nil, "this tag is empty: expected a name")
    }
    let rest = Self.trim(trimmed.dropFirst())
    switch sigil {
    case "!": return Tag(kind: .comment, content: rest, start: start, end: end)
    case "#": return try named(.section, rest, start, end)
    case "^": return try named(.inverted, rest, start, end)
    case "/": return try named(.close, rest, start, end)
    case ">": return try named(.partial, Self.joinDynamicMarker(rest), start, end)
    case "<": return try named(.parent, Self.joinDynamicMarker(rest), start, end)
    case "$": return try named(.block, rest, start, end)
    case "&": return try named(.unescaped, rest, start, end)
    case "=":
      guard trimmed.count >= 2, trimmed.last == "=" else {
        throw error(at: start, key: nil, "a set-delimiter tag must end with '=', as in {{=<% %>=}}")
      }
      return Tag(
        kind: .delimiter, content: Self.trim(trimmed.dropFirst().dropLast()), start: start, end: end
      )
    default: return try named(.variable, trimmed, start, end)
    }
  }

  private func named(_ kind: TagKind, _ name: Substring, _ start: Int, _ end: Int)
    throws(TemplateError) -> Tag
  {
    guard !name.isEmpty else { throw error(at: start, key: nil, "this tag has no name") }
    guard !name.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else {
      throw error(at: start, key: String(name), "a name cannot contain white space: '\(name)'")
    }
    return Tag(kind: kind, content: name, start: start, end: end)
  }

  // MARK: - Standalone lines

  /// Finds every line that holds nothing but white space and tags that print nothing, and
  /// trims it away, remembering its indentation for partials, parents and blocks.
  private mutating func markStandaloneLines() {
    let bytes = source.bytes
    let original = tokens
    var lines: [Line] = []
    var current = Line(prefix: nil)
    for index in original.indices {
      if case .text(let start, let end) = original[index],
        Self.firstNewline(bytes, start, end) != nil
      {
        current.suffix = index
        lines.append(current)
        current = Line(prefix: index)
      } else {
        current.middle.append(index)
      }
    }
    lines.append(current)
    for line in lines where isStandalone(line, in: original) {
      applyStandalone(line, original: original)
    }
  }

  /// One line of the template: the text token it starts in (after that token's last newline),
  /// the tokens wholly inside it, and the text token holding its newline.
  private struct Line {
    var prefix: Int?
    var middle: [Int] = []
    var suffix: Int?
  }

  private func isStandalone(_ line: Line, in original: [Token]) -> Bool {
    let bytes = source.bytes
    var tags: [Tag] = []
    for index in line.middle {
      switch original[index] {
      case .tag(let tag):
        guard tag.kind.canStandAlone else { return false }
        tags.append(tag)
      case .text(let start, let end):
        guard Self.isBlank(bytes, start, end, allowCarriageReturnAtEnd: false) else { return false }
      }
    }
    guard !tags.isEmpty else { return false }
    if let prefix = line.prefix, case .text(let start, let end) = original[prefix] {
      let from = (Self.lastNewline(bytes, start, end) ?? start) + 1
      guard Self.isBlank(bytes, from, end, allowCarriageReturnAtEnd: false) else { return false }
    }
    if let suffix = line.suffix, case .text(let start, let end) = original[suffix] {
      let upTo = Self.firstNewline(bytes, start, end) ?? end
      guard Self.isBlank(bytes, start, upTo, allowCarriageReturnAtEnd: true) else { return false }
    }
    if tags.count == 1 { return true }
    // Several tags on one line stand alone together only for inheritance, whose open and
    // close tags are written side by side (the spec's "standalone block").
    return tags.contains { $0.kind == .parent || $0.kind == .block || $0.closesInheritance }
  }

  private mutating func applyStandalone(_ line: Line, original: [Token]) {
    let bytes = source.bytes
    var indentation = ""
    if let prefix = line.prefix, case .text(let start, let end) = original[prefix] {
      let from = (Self.lastNewline(bytes, start, end) ?? start) + 1
      indentation = String(Self.substring(bytes, from, end))
      if case .text(let currentStart, let currentEnd) = tokens[prefix] {
        tokens[prefix] = .text(start: currentStart, end: min(currentEnd, from))
      }
    }
    var seenTag = false
    var openBlocks: [Int] = []
    var isInlinePair = false
    for index in line.middle {
      switch tokens[index] {
      case .text(let start, let end):
        if !seenTag { indentation += String(Self.substring(bytes, start, end)) }
        tokens[index] = .text(start: end, end: end)
      case .tag(var tag):
        seenTag = true
        switch tag.kind {
        case .block:
          openBlocks.append(index)
          tag.indentation = indentation
        case .partial, .parent:
          tag.indentation = indentation
        case .close where tag.closesInheritance:
          if let opened = openBlocks.popLast(), case .tag(var block) = tokens[opened] {
            isInlinePair = true
            block.isInlinePair = true
            tokens[opened] = .tag(block)
          }
        default: break
        }
        tokens[index] = .tag(tag)
      }
    }
    // A block opened and closed on one line keeps the line's end: its content takes the
    // line's place, as a partial's would.
    guard !isInlinePair, let suffix = line.suffix,
      case .text(let start, let end) = original[suffix],
      case .text(let currentStart, let currentEnd) = tokens[suffix]
    else { return }
    let after = (Self.firstNewline(bytes, start, end) ?? end - 1) + 1
    tokens[suffix] = .text(start: max(currentStart, after), end: currentEnd)
  }

  // MARK: - Tree

  private func buildNodes(from index: inout Int, closing: Tag?, depth: Int) throws(TemplateError)
    -> [Node]
  {
    if depth > Self.maximumNesting {
      throw error(
        at: closing?.start ?? 0, key: closing.map { String($0.content) },
        "sections nest more than \(Self.maximumNesting) deep")
    }
    var nodes: [Node] = []
    while index < tokens.count {
      let token = tokens[index]
      index += 1
      switch token {
      case .text(let start, let end):
        if end > start { appendText(Array(source.bytes[start..<end]), to: &nodes) }
      case .tag(let tag):
        let location = SourceLocation(offset: tag.start)
        switch tag.kind {
        case .comment, .delimiter: continue
        case .variable, .unescaped:
          nodes.append(
            .variable(Name(parsing: tag.content), escaped: tag.kind == .variable, location))
        case .section, .inverted:
          let children = try buildNodes(from: &index, closing: tag, depth: depth + 1)
          nodes.append(
            .section(
              Name(parsing: tag.content), children, inverted: tag.kind == .inverted, location))
        case .block:
          let children = try buildNodes(from: &index, closing: tag, depth: depth + 1)
          nodes.append(
            .block(
              String(tag.content), children, indentation: blockIndentation(tag, children), location)
          )
        case .parent:
          let children = try buildNodes(from: &index, closing: tag, depth: depth + 1)
          var blocks: [BlockOverride] = []
          for child in children {
            if case .block(let name, let content, let indentation, _) = child {
              blocks.append(BlockOverride(name: name, nodes: content, indentation: indentation))
            }
          }
          nodes.append(
            .parent(
              reference(tag.content), indentation: tag.indentation ?? "", blocks: blocks, location))
        case .partial:
          nodes.append(
            .partial(reference(tag.content), indentation: tag.indentation ?? "", location))
        case .close:
          guard let opening = closing else {
            throw error(
              at: tag.start, key: String(tag.content),
              "'\(tag.content)' is closed here but was never opened")
          }
          guard opening.content == tag.content else {
            throw error(
              at: tag.start, key: String(tag.content),
              "expected {{/\(opening.content)}} to close the section opened on line \(lineNumber(of: opening.start)), found {{/\(tag.content)}}"
            )
          }
          return nodes
        }
      }
    }
    if let opening = closing {
      throw error(
        at: opening.start, key: String(opening.content),
        "'\(opening.content)' is opened here but never closed")
    }
    return nodes
  }

  /// The indentation a block's content carries: the block tag's own when it stands with its
  /// close on one line, else that of its first content line when its open tag stands alone.
  private func blockIndentation(_ tag: Tag, _ children: [Node]) -> String? {
    if tag.isInlinePair { return tag.indentation }
    guard tag.indentation != nil else { return nil }
    if case .text(let bytes)? = children.first {
      let prefix = bytes.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
      return String(decoding: prefix, as: UTF8.self)
    }
    return tag.indentation
  }

  private func appendText(_ bytes: [UInt8], to nodes: inout [Node]) {
    if case .text(let previous)? = nodes.last {
      nodes[nodes.count - 1] = .text(previous + bytes)
    } else {
      nodes.append(.text(bytes))
    }
  }

  private func reference(_ content: Substring) -> TemplateReference {
    if content.first == "*" { return .dynamic(Name(parsing: Self.trim(content.dropFirst()))) }
    return .fixed(String(content))
  }

  private func lineNumber(of offset: Int) -> Int {
    1 + source.bytes[0..<offset].lazy.filter { $0 == 0x0A }.count
  }

  private func error(at offset: Int, key: String?, _ message: String) -> TemplateError {
    TemplateError(source: source, at: SourceLocation(offset: offset), key: key, message: message)
  }

  // MARK: - Bytes

  private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
    guard let first = needle.first, needle.count <= bytes.count else { return nil }
    var index = start
    let last = bytes.count - needle.count
    while index <= last {
      if bytes[index] == first {
        var matched = true
        var offset = 1
        while offset < needle.count {
          if bytes[index + offset] != needle[offset] {
            matched = false
            break
          }
          offset += 1
        }
        if matched { return index }
      }
      index += 1
    }
    return nil
  }

  private static func firstNewline(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
    var index = start
    while index < end {
      if bytes[index] == 0x0A { return index }
      index += 1
    }
    return nil
  }

  private static func lastNewline(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
    var index = end - 1
    while index >= start {
      if bytes[index] == 0x0A { return index }
      index -= 1
    }
    return nil
  }

  private static func isBlank(
    _ bytes: [UInt8], _ start: Int, _ end: Int, allowCarriageReturnAtEnd: Bool
  ) -> Bool {
    var index = start
    while index < end {
      let byte = bytes[index]
      if byte == 0x20 || byte == 0x09 {
        index += 1
        continue
      }
      if byte == 0x0D, allowCarriageReturnAtEnd, index == end - 1 { return true }
      return false
    }
    return true
  }

  private static func substring(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Substring {
    Substring(String(decoding: bytes[start..<end], as: UTF8.self))
  }

  /// `{{> * name}}` means the same as `{{>*name}}`.
  private static func joinDynamicMarker(_ text: Substring) -> Substring {
    guard text.first == "*" else { return text }
    return "*" + trim(text.dropFirst())
  }

  private static func trim(_ text: Substring) -> Substring {
    var result = text
    while let first = result.first, first == " " || first == "\t" || first == "\n" || first == "\r"
    {
      result = result.dropFirst()
    }
    while let last = result.last, last == " " || last == "\t" || last == "\n" || last == "\r" {
      result = result.dropLast()
    }
    return result
  }
}
