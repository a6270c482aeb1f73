import CLibXML2
import Crypto
import Foundation

/// The rules that keep a page self-contained, checked in one walk over the parsed tree.
///
/// One pass visits every element and attribute once: on a page of 10,000 servers the
/// equivalent XPath expressions (one descent of the whole tree per rule, with `translate()`
/// on every attribute) cost several times the parse itself.
struct PolicyCheck {
  let document: xmlDocPtr
  /// XHTML element names the schema admits; empty to skip the check.
  var knownElements: Set<String> = []

  private static let xhtml = "http://www.w3.org/1999/xhtml"
  private static let svg = "http://www.w3.org/2000/svg"
  private static let xlink = "http://www.w3.org/1999/xlink"
  /// Prefixes of an attribute value (trimmed, lower-cased) that make the browser fetch or run
  /// something.
  private static let loadingPrefixes = ["http:", "https:", "//", "file:", "ftp:", "javascript:"]
  /// Attributes whose value is a URL the browser loads by itself.
  private static let loadingAttributes: Set<String> = [
    "src", "srcset", "poster", "data", "action", "formaction",
  ]
  private static let forbiddenXHTML: Set<String> = [
    "link", "iframe", "frame", "object", "embed", "base", "applet", "form",
  ]
  private static let whitespace: [UInt8] = [0x20, 0x09, 0x0A, 0x0D, 0x0C]
  private static let forbiddenSVG: Set<String> = ["script", "foreignObject", "image"]

  func run() -> [PageProblem] {
    var walk = Walk(knownElements: knownElements)
    if let root = xmlDocGetRootElement(document) { walk.visit(tree: root) }
    var problems = walk.problems
    for (id, node) in walk.links where !walk.ids.contains(id) {
      problems.append(Self.problem(node, "the link #\(id) points at no element of the page"))
    }
    problems += contentSecurityPolicy(scripts: walk.scripts)
    return problems
  }

  /// The state of one walk: what it found, and the ids and links to match afterwards.
  private struct Walk {
    let knownElements: Set<String>
    var problems: [PageProblem] = []
    var ids: Set<String> = []
    var links: [(String, xmlNodePtr)] = []
    var scripts: [xmlNodePtr] = []

    mutating func visit(tree root: xmlNodePtr) {
      var node: xmlNodePtr? = root
      while let current = node {
        if current.pointee.type == XML_ELEMENT_NODE {
          visit(element: current)
          if let child = current.pointee.children {
            node = child
            continue
          }
        }
        node = Self.next(after: current, within: root)
      }
    }

    /// The next node in document order that is not inside `node`, or nil past `root`.
    private static func next(after node: xmlNodePtr, within root: xmlNodePtr) -> xmlNodePtr? {
      var current = node
      while current != root {
        if let sibling = current.pointee.next { return sibling }
        guard let parent = current.pointee.parent else { return nil }
        current = parent
      }
      return nil
    }

    private mutating func visit(element: xmlNodePtr) {
      let name = PolicyCheck.string(element.pointee.name)
      let namespace = element.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
      if namespace == PolicyCheck.xhtml {
        visit(xhtml: element, name: name)
      } else if namespace == PolicyCheck.svg, PolicyCheck.forbiddenSVG.contains(name) {
        reject(element, name)
      }
      var attribute = element.pointee.properties
      while let current = attribute {
        visit(attribute: current, of: element, elementNamespace: namespace)
        attribute = current.pointee.next
      }
    }

    private mutating func visit(xhtml element: xmlNodePtr, name: String) {
      if PolicyCheck.forbiddenXHTML.contains(name) {
        reject(element, name)
      } else if name == "script" {
        if xmlHasProp(element, "src") != nil {
          reject(element, name)
        } else if let type = PolicyCheck.property(element, "type"),
          type != "text/javascript", type != "module"
        {
          // A data block (application/json) never runs, so the policy does not list it.
        } else {
          scripts.append(element)
        }
      } else if name == "meta",
        PolicyCheck.property(element, "http-equiv")?.lowercased() == "refresh"
      {
        reject(element, name)
      } else if name == "style" {
        let css = PolicyCheck.content(element).lowercased()
        if css.contains("url(") || css.contains("@import") {
          problems.append(
            PolicyCheck.problem(element, "the style sheet loads something (url() or @import)"))
        }
      }
      if !knownElements.isEmpty, !knownElements.contains(name) {
        problems.append(
          PolicyCheck.problem(element, "element <\(name)> is not one the page's schema admits"))
      }
    }

    private mutating func visit(
      attribute: xmlAttrPtr, of element: xmlNodePtr, elementNamespace: String?
    ) {
      let name = PolicyCheck.string(attribute.pointee.name)
      let namespace = attribute.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
      let value = PolicyCheck.attributeValue(attribute)
      if name == "id" {
        if !ids.insert(value).inserted {
          problems.append(
            PolicyCheck.problem(element, "the id \"\(value)\" is used more than once"))
        }
      } else if name == "href", namespace == nil, value.hasPrefix("#") {
        let target = String(value.dropFirst())
        if !target.isEmpty { links.append((target, element)) }
      }
      if PolicyCheck.loadsSomething(value) {
        problems.append(
          PolicyCheck.problem(
            element, "attribute \(name) refers outside the page: \"\(value.prefix(80))\""))
      }
      let loads =
        (namespace == nil && PolicyCheck.loadingAttributes.contains(name))
        || (name == "href"
          && (namespace == PolicyCheck.xlink || elementNamespace == PolicyCheck.svg))
      if loads, !(value.hasPrefix("#") || value.hasPrefix("data:")) {
        problems.append(
          PolicyCheck.problem(
            element,
            "attribute \(name) must point inside the page (# or data:), found \"\(value.prefix(80))\""
          ))
      }
      if name.lowercased().hasPrefix("on") {
        problems.append(
          PolicyCheck.problem(element, "event-handler attribute \(name) is not allowed"))
      }
    }

    private mutating func reject(_ element: xmlNodePtr, _ name: String) {
      problems.append(
        PolicyCheck.problem(
          element,
          "element <\(name)> is not allowed: it can load or run something from outside the page"))
    }
  }

  private func contentSecurityPolicy(scripts: [xmlNodePtr]) -> [PageProblem] {
    let head = xmlDocGetRootElement(document).flatMap { Self.elementChildren(of: $0).first }
    let headChildren = head.map(Self.elementChildren) ?? []
    guard headChildren.count >= 2, Self.string(headChildren[0].pointee.name) == "meta",
      Self.property(headChildren[0], "charset")?.lowercased() == "utf-8"
    else {
      return [
        PageProblem(
          line: 1, column: 0, message: "the head must start with <meta charset=\"utf-8\"/>")
      ]
    }
    let meta = headChildren[1]
    guard Self.string(meta.pointee.name) == "meta",
      Self.property(meta, "http-equiv") == "Content-Security-Policy",
      let policy = Self.property(meta, "content")
    else {
      return [
        Self.problem(
          meta, "the Content-Security-Policy meta must come right after the charset meta")
      ]
    }
    var problems: [PageProblem] = []
    if !policy.hasPrefix("default-src 'none'") {
      problems.append(
        Self.problem(meta, "the Content-Security-Policy must start with default-src 'none'"))
    }
    let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
    let scriptSource =
      directives.first { $0.hasPrefix("script-src") }?.split(separator: " ").dropFirst().map(
        String.init) ?? []
    let allowed = Set(scriptSource.filter { $0.hasPrefix("'sha256-") })
    if scriptSource.contains(where: { !$0.hasPrefix("'sha256-") && $0 != "'none'" }) {
      problems.append(
        Self.problem(meta, "script-src may list only sha256 hashes of the page's scripts"))
    }
    var hashes: Set<String> = []
    for script in scripts {
      let hash =
        "'sha256-" + Data(SHA256.hash(data: Data(Self.content(script).utf8))).base64EncodedString()
        + "'"
      hashes.insert(hash)
      if !allowed.contains(hash) {
        problems.append(
          Self.problem(script, "this script's hash \(hash) is not in the Content-Security-Policy"))
      }
    }
    for extra in allowed.subtracting(hashes).sorted() {
      problems.append(
        Self.problem(
          meta, "the Content-Security-Policy allows \(extra), which matches no script of the page"))
    }
    return problems
  }

  private static func elementChildren(of node: xmlNodePtr) -> [xmlNodePtr] {
    var children: [xmlNodePtr] = []
    var child = node.pointee.children
    while let current = child {
      if current.pointee.type == XML_ELEMENT_NODE { children.append(current) }
      child = current.pointee.next
    }
    return children
  }

  private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
  }

  /// An attribute's value; attributes hold text (and entity references, which the parser
  /// has already refused) as children.
  private static func attributeValue(_ attribute: xmlAttrPtr) -> String {
    var child = attribute.pointee.children
    if let only = child, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE {
      return string(only.pointee.content)
    }
    var value = ""
    while let current = child {
      value += string(current.pointee.content)
      child = current.pointee.next
    }
    return value
  }

  /// Whether a browser would fetch or run something named by this value: it starts (after
  /// leading whitespace, in any letter case) with a URL scheme or `//`, or it holds `url(` or
  /// `@import`. Done on bytes: it runs once per attribute of the page.
  static func loadsSomething(_ value: String) -> Bool {
    var bytes = Array(value.utf8)
    for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A {
      bytes[index] |= 0x20
    }
    let start = bytes.firstIndex { !whitespace.contains($0) } ?? bytes.endIndex
    let trimmed = bytes[start...]
    return loadingPrefixes.contains { trimmed.starts(with: $0.utf8) }
      || contains(bytes, "url(") || contains(bytes, "@import")
  }

  private static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
    let pattern = Array(needle.utf8)
    guard bytes.count >= pattern.count, let first = pattern.first else { return false }
    var index = 0
    while index <= bytes.count - pattern.count {
      if bytes[index] == first, bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
        return true
      }
      index += 1
    }
    return false
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
