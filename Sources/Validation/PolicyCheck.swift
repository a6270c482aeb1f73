import CLibXML2
import Crypto
import Foundation

/// The rules that keep a page self-contained, checked element by element as the page streams
/// through libxml2's reader.
///
/// One pass visits every element and attribute once: on a page of 10,000 servers the
/// equivalent XPath expressions (one descent of the whole tree per rule, with `translate()`
/// on every attribute) cost several times the parse itself. What can be judged only at the end
/// (links to ids further down, the policy's script hashes) is kept as values, since each node
/// is gone once the reader moves past it.
///
/// libxml2 interns element and attribute names in the parser's dictionary, so the check
/// classifies each distinct name pointer once and reads attribute values in place: on a page
/// of 10,000 servers, making a Swift string of every name and value cost more than the parse.
struct PolicyCheck {
  /// XHTML element names the schema admits; empty to skip the check.
  let knownElements: Set<String>
  /// Whether an `a` may link to a file beside the page (see `PageValidator`).
  let allowsRelativeLinks: Bool
  private var problems: [PageProblem] = []
  private var ids: Set<String> = []
  /// In-page links, with the line each is on.
  private var links: [(id: String, line: Int)] = []
  /// Scripts that run, as their text and line.
  private var scripts: [(text: String, line: Int)] = []
  /// The first two elements of the root's first child (the head), for the policy's place.
  private var headStart: [HeadElement] = []
  private var rootChildren = 0
  private var elementKinds: [UnsafeRawPointer: ElementKind] = [:]
  private var attributeKinds: [UnsafeRawPointer: AttributeKind] = [:]

  private static let xhtml: StaticString = "http://www.w3.org/1999/xhtml"
  private static let svg: StaticString = "http://www.w3.org/2000/svg"
  private static let xlink: StaticString = "http://www.w3.org/1999/xlink"
  /// Prefixes of an attribute value (trimmed, lower-cased) that make the browser fetch or run
  /// something.
  private static let loadingPrefixes: [StaticString] = [
    "http:", "https:", "//", "file:", "ftp:", "javascript:",
  ]
  /// Attributes whose value is a URL the browser loads by itself.
  private static let loadingAttributes: Set<String> = [
    "src", "srcset", "poster", "data", "action", "formaction",
  ]
  private static let forbiddenXHTML: Set<String> = [
    "link", "iframe", "frame", "object", "embed", "base", "applet", "form",
  ]
  private static let whitespace: [UInt8] = [0x20, 0x09, 0x0A, 0x0D, 0x0C]
  private static let forbiddenSVG: Set<String> = ["script", "foreignObject", "image"]

  /// What the policy needs to know of an element at the start of the head.
  private struct HeadElement {
    var name: String
    var charset: String?
    var httpEquiv: String?
    var content: String?
    var line: Int
  }

  init(knownElements: Set<String>, allowsRelativeLinks: Bool) {
    self.knownElements = knownElements
    self.allowsRelativeLinks = allowsRelativeLinks
  }

  /// Checks one element as the reader reaches its start tag, `depth` below the root.
  /// `expand` reads the element's whole content (for a style sheet or a script's text).
  mutating func visit(element: xmlNodePtr, depth: Int, expand: () -> xmlNodePtr?) {
    if depth == 1 { rootChildren += 1 }
    if depth == 2, rootChildren == 1, headStart.count < 2 {
      headStart.append(
        HeadElement(
          name: Self.string(element.pointee.name), charset: Self.property(element, "charset"),
          httpEquiv: Self.property(element, "http-equiv"),
          content: Self.property(element, "content"), line: Int(xmlGetLineNo(element))))
    }
    let href = element.pointee.ns?.pointee.href
    let inSVG = Self.equals(href, Self.svg)
    if Self.equals(href, Self.xhtml) {
      visit(xhtml: element, expand: expand)
    } else if inSVG, Self.forbiddenSVG.contains(Self.string(element.pointee.name)) {
      reject(element, Self.string(element.pointee.name))
    }
    var attribute = element.pointee.properties
    while let current = attribute {
      visit(attribute: current, of: element, inSVG: inSVG)
      attribute = current.pointee.next
    }
  }

  /// Every problem, once the whole page has gone by.
  func finish() -> [PageProblem] {
    var problems = problems
    for link in links where !ids.contains(link.id) {
      problems.append(
        PageProblem(
          line: link.line, column: 0,
          message: "the link #\(link.id) points at no element of the page"
        ))
    }
    return problems + contentSecurityPolicy()
  }

  /// What the walk does with an XHTML element of a given name.
  private enum ElementKind {
    case ordinary, forbidden, script, meta, style, unknown
  }

  /// What the walk does with an attribute of a given name (in no namespace).
  private enum AttributeKind {
    case ordinary, id, href, loading, eventHandler
  }

  private mutating func kind(ofXHTML name: UnsafePointer<xmlChar>?) -> ElementKind {
    guard let name else { return .unknown }
    let key = UnsafeRawPointer(name)
    if let known = elementKinds[key] { return known }
    let text = PolicyCheck.string(name)
    let kind: ElementKind
    switch text {
    case "script": kind = .script
    case "meta": kind = .meta
    case "style": kind = .style
    case _ where PolicyCheck.forbiddenXHTML.contains(text): kind = .forbidden
    case _ where !knownElements.isEmpty && !knownElements.contains(text): kind = .unknown
    default: kind = .ordinary
    }
    elementKinds[key] = kind
    return kind
  }

  private mutating func visit(xhtml element: xmlNodePtr, expand: () -> xmlNodePtr?) {
    switch kind(ofXHTML: element.pointee.name) {
    case .ordinary: break
    case .forbidden: reject(element, PolicyCheck.string(element.pointee.name))
    case .script:
      if xmlHasProp(element, "src") != nil {
        reject(element, "script")
      } else if let type = PolicyCheck.property(element, "type"),
        type != "text/javascript", type != "module"
      {
        // A data block (application/json) never runs, so the policy does not list it.
      } else {
        scripts.append(
          (expand().map(PolicyCheck.content) ?? "", Int(xmlGetLineNo(element))))
      }
    case .meta:
      if PolicyCheck.property(element, "http-equiv")?.lowercased() == "refresh" {
        reject(element, "meta")
      }
    case .style:
      let css = (expand().map(PolicyCheck.content) ?? "").lowercased()
      if css.contains("url(") || css.contains("@import") {
        problems.append(
          PolicyCheck.problem(element, "the style sheet loads something (url() or @import)"))
      }
    case .unknown:
      let name = PolicyCheck.string(element.pointee.name)
      problems.append(
        PolicyCheck.problem(element, "element <\(name)> is not one the page's schema admits"))
    }
  }

  private mutating func kind(ofAttribute name: UnsafePointer<xmlChar>?) -> AttributeKind {
    guard let name else { return .ordinary }
    let key = UnsafeRawPointer(name)
    if let known = attributeKinds[key] { return known }
    let text = PolicyCheck.string(name)
    let kind: AttributeKind
    switch text {
    case "id": kind = .id
    case "href": kind = .href
    case _ where PolicyCheck.loadingAttributes.contains(text): kind = .loading
    case _ where text.lowercased().hasPrefix("on"): kind = .eventHandler
    default: kind = .ordinary
    }
    attributeKinds[key] = kind
    return kind
  }

  private mutating func visit(attribute: xmlAttrPtr, of element: xmlNodePtr, inSVG: Bool) {
    let namespace = attribute.pointee.ns?.pointee.href
    var kind = kind(ofAttribute: attribute.pointee.name)
    // SVG's href and xlink:href load what they name; an in-page one must still resolve.
    var loads = kind == .loading || (kind == .href && inSVG)
    if namespace != nil, kind != .eventHandler {
      // Among namespaced attributes only xlink:href matters; an xml:id is not an id here.
      loads = kind == .href && PolicyCheck.equals(namespace, PolicyCheck.xlink)
      kind = .ordinary
    }
    PolicyCheck.withValue(of: attribute) { value in
      let refersOutside = PolicyCheck.loadsSomething(value)
      if refersOutside {
        problems.append(
          PolicyCheck.problem(
            element,
            "attribute \(PolicyCheck.string(attribute.pointee.name)) refers outside the page: \"\(PolicyCheck.string(value).prefix(80))\""
          ))
      }
      switch kind {
      case .ordinary, .loading: break
      case .id:
        let id = PolicyCheck.string(value)
        if !PolicyCheck.isIdentifier(value[...]) {
          problems.append(
            PolicyCheck.problem(
              element,
              "the id \"\(id.prefix(80))\" must be a letter followed by letters, digits, - or _"))
        }
        if !ids.insert(id).inserted {
          problems.append(PolicyCheck.problem(element, "the id \"\(id)\" is used more than once"))
        }
      case .href:
        if value.first == UInt8(ascii: "#"), PolicyCheck.isIdentifier(value.dropFirst()) {
          links.append((PolicyCheck.string(value.dropFirst()), Int(xmlGetLineNo(element))))
        } else if !loads, !refersOutside, !(allowsRelativeLinks && !inSVG) {
          // The page links only within itself; a link that loads is reported elsewhere.
          problems.append(
            PolicyCheck.problem(
              element,
              "the link \"\(PolicyCheck.string(value).prefix(80))\" must be # and an id of the page"
            ))
        }
      case .eventHandler:
        problems.append(
          PolicyCheck.problem(
            element,
            "event-handler attribute \(PolicyCheck.string(attribute.pointee.name)) is not allowed"
          ))
      }
      if loads, !(value.starts(with: "#".utf8) || value.starts(with: "data:".utf8)) {
        problems.append(
          PolicyCheck.problem(
            element,
            "attribute \(PolicyCheck.string(attribute.pointee.name)) must point inside the page (# or data:), found \"\(PolicyCheck.string(value).prefix(80))\""
          ))
      }
    }
  }

  private mutating func reject(_ element: xmlNodePtr, _ name: String) {
    problems.append(
      PolicyCheck.problem(
        element,
        "element <\(name)> is not allowed: it can load or run something from outside the page"))
  }

  private func contentSecurityPolicy() -> [PageProblem] {
    guard headStart.count >= 2, headStart[0].name == "meta",
      headStart[0].charset?.lowercased() == "utf-8"
    else {
      return [
        PageProblem(
          line: 1, column: 0, message: "the head must start with <meta charset=\"utf-8\"/>")
      ]
    }
    let meta = headStart[1]
    func problem(_ message: String) -> PageProblem {
      PageProblem(line: meta.line, column: 0, message: message)
    }
    guard meta.name == "meta", meta.httpEquiv == "Content-Security-Policy",
      let policy = meta.content
    else {
      return [problem("the Content-Security-Policy meta must come right after the charset meta")]
    }
    var problems: [PageProblem] = []
    if !policy.hasPrefix("default-src 'none'") {
      problems.append(problem("the Content-Security-Policy must start with default-src 'none'"))
    }
    let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
    let scriptSource =
      directives.first { $0.hasPrefix("script-src") }?.split(separator: " ").dropFirst().map(
        String.init) ?? []
    let allowed = Set(scriptSource.filter { $0.hasPrefix("'sha256-") })
    if scriptSource.contains(where: { !$0.hasPrefix("'sha256-") && $0 != "'none'" }) {
      problems.append(problem("script-src may list only sha256 hashes of the page's scripts"))
    }
    var hashes: Set<String> = []
    for script in scripts {
      let hash =
        "'sha256-" + Data(SHA256.hash(data: Data(script.text.utf8))).base64EncodedString() + "'"
      hashes.insert(hash)
      if !allowed.contains(hash) {
        problems.append(
          PageProblem(
            line: script.line, column: 0,
            message: "this script's hash \(hash) is not in the Content-Security-Policy"))
      }
    }
    for extra in allowed.subtracting(hashes).sorted() {
      problems.append(
        problem("the Content-Security-Policy allows \(extra), which matches no script of the page"))
    }
    return problems
  }

  private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
  }

  private static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  private static func string(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  /// Whether a namespace's href is `uri`, compared in place.
  private static func equals(_ href: UnsafePointer<xmlChar>?, _ uri: StaticString) -> Bool {
    guard let href else { return false }
    return strcmp(
      UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self),
      UnsafeRawPointer(uri.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
  }

  /// Calls `body` with an attribute's value as bytes. Attributes hold text (and entity
  /// references, which the parser has already refused) as children; the usual single text
  /// child is read in place.
  private static func withValue(
    of attribute: xmlAttrPtr, _ body: (UnsafeBufferPointer<UInt8>) -> Void
  ) {
    let child = attribute.pointee.children
    if let only = child, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE {
      guard let content = only.pointee.content else {
        return body(UnsafeBufferPointer(start: nil, count: 0))
      }
      return body(
        UnsafeBufferPointer(
          start: content,
          count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
    }
    var value: [UInt8] = []
    var current = child
    while let node = current {
      if let content = node.pointee.content {
        value += UnsafeBufferPointer(
          start: content,
          count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self)))
      }
      current = node.pointee.next
    }
    value.withUnsafeBufferPointer(body)
  }

  /// Whether the bytes are an id as the page writes them: an ASCII letter, then ASCII letters,
  /// digits, `-` and `_` (the schema's NCName admits more; ids come from `Identifier`).
  static func isIdentifier(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    guard let first = bytes.first, isLetter(first) else { return false }
    return bytes.allSatisfy { byte in
      isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
    }
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
  }

  /// Whether a browser would fetch or run something named by this value: it starts (after
  /// leading whitespace, in any letter case) with a URL scheme or `//`, or it holds `url(` or
  /// `@import`. Done on bytes in place: it runs once per attribute of the page.
  static func loadsSomething(_ value: String) -> Bool {
    Array(value.utf8).withUnsafeBufferPointer(loadsSomething)
  }

  static func loadsSomething(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var start = 0
    while start < bytes.count, whitespace.contains(bytes[start]) { start += 1 }
    for prefix in loadingPrefixes where hasCaseInsensitive(prefix, in: bytes, at: start) {
      return true
    }
    // Only a value holding "(" or "@" can hold url( or @import.
    guard let first = bytes.firstIndex(where: { $0 == 0x28 || $0 == 0x40 }) else { return false }
    var index = max(first - 3, 0)
    while index < bytes.count {
      if hasCaseInsensitive("url(", in: bytes, at: index)
        || hasCaseInsensitive("@import", in: bytes, at: index)
      {
        return true
      }
      index += 1
    }
    return false
  }

  /// Whether `bytes` holds the lower-case ASCII `pattern` at `offset`, in any letter case.
  private static func hasCaseInsensitive(
    _ pattern: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at offset: Int
  ) -> Bool {
    let count = pattern.utf8CodeUnitCount
    guard bytes.count - offset >= count else { return false }
    let expected = UnsafeBufferPointer(start: pattern.utf8Start, count: count)
    for index in 0..<count {
      var byte = bytes[offset + index]
      if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
      if byte != expected[index] { return false }
    }
    return true
  }

  private static func property(_ node: xmlNodePtr, _ name: String) -> String? {
    guard let value = xmlGetProp(node, name) else { return nil }
    defer { cxml_free(value) }
    return String(cString: value)
  }

  private static func content(_ node: xmlNodePtr) -> String {
    guard let content = xmlNodeGetContent(node) else { return "" }
    defer { cxml_free(content) }
    return String(cString: content)
  }

  private static func problem(_ element: xmlNodePtr, _ message: String) -> PageProblem {
    PageProblem(line: Int(xmlGetLineNo(element)), column: 0, message: message)
  }
}
