import CLibXML2
import Crypto
import Foundation

/// The rules that keep a page self-contained, checked with XPath on the parsed tree.
struct PolicyCheck {
  let document: xmlDocPtr
  /// XHTML element names the schema admits; empty to skip the check.
  var knownElements: Set<String> = []

  static let lower =
    "translate(normalize-space(.), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

  func run() -> [PageProblem] {
    guard let context = xmlXPathNewContext(document) else {
      return [PageProblem(line: 0, column: 0, message: "libxml2 could not create an XPath context")]
    }
    defer { xmlXPathFreeContext(context) }
    let sink = DiagnosticSink()
    context.pointee.error = sinkErrorHandler
    context.pointee.userData = sink.opaque
    xmlXPathRegisterNs(context, "h", "http://www.w3.org/1999/xhtml")
    xmlXPathRegisterNs(context, "svg", "http://www.w3.org/2000/svg")
    let query = XPathQuery(context: context)
    var problems: [PageProblem] = []
    problems += uniqueIds(query)
    problems += inPageLinks(query)
    let lower = Self.lower
    let loaders =
      "//@*[starts-with(\(lower), 'http:') or starts-with(\(lower), 'https:') or starts-with(\(lower), '//') or starts-with(\(lower), 'file:') or starts-with(\(lower), 'ftp:') or starts-with(\(lower), 'javascript:') or contains(\(lower), 'url(') or contains(\(lower), '@import')]"
    for node in query.nodes(loaders) {
      problems.append(
        problem(
          node,
          "attribute \(query.name(node)) refers outside the page: \"\(query.text(node).prefix(80))\""
        ))
    }
    for node in query.nodes(
      "//@src | //@srcset | //@poster | //@data | //@action | //@formaction | //svg:*/@href | //@*[local-name()='href' and namespace-uri()='http://www.w3.org/1999/xlink']"
    ) {
      let value = query.text(node)
      if !(value.hasPrefix("#") || value.hasPrefix("data:")) {
        problems.append(
          problem(
            node,
            "attribute \(query.name(node)) must point inside the page (# or data:), found \"\(value.prefix(80))\""
          ))
      }
    }
    for node in query.nodes("//@*[starts-with(translate(local-name(), 'ON', 'on'), 'on')]") {
      problems.append(problem(node, "event-handler attribute \(query.name(node)) is not allowed"))
    }
    let forbidden =
      "//h:link | //h:iframe | //h:frame | //h:object | //h:embed | //h:base | //h:applet | //h:script[@src] | //h:meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh'] | //svg:script | //svg:foreignObject | //svg:image | //h:form"
    for node in query.nodes(forbidden) {
      problems.append(
        problem(
          node,
          "element <\(query.name(node))> is not allowed: it can load or run something from outside the page"
        ))
    }
    for node in query.nodes("//h:style[contains(., 'url(') or contains(., '@import')]") {
      problems.append(problem(node, "the style sheet loads something (url() or @import)"))
    }
    if !knownElements.isEmpty {
      for node in query.nodes("//h:*") where !knownElements.contains(query.name(node)) {
        problems.append(
          problem(node, "element <\(query.name(node))> is not one the page's schema admits"))
      }
    }
    problems += contentSecurityPolicy(query)
    problems += sink.problems
    return problems
  }

  private func uniqueIds(_ query: XPathQuery) -> [PageProblem] {
    var seen: Set<String> = []
    var problems: [PageProblem] = []
    for node in query.nodes("//@id") {
      let id = query.text(node)
      if !seen.insert(id).inserted {
        problems.append(problem(node, "the id \"\(id)\" is used more than once"))
      }
    }
    return problems
  }

  private func inPageLinks(_ query: XPathQuery) -> [PageProblem] {
    let ids = Set(query.nodes("//@id").map(query.text))
    return query.nodes("//@href[starts-with(., '#')]").compactMap { node in
      let target = String(query.text(node).dropFirst())
      return target.isEmpty || ids.contains(target)
        ? nil : problem(node, "the link #\(target) points at no element of the page")
    }
  }

  private func contentSecurityPolicy(_ query: XPathQuery) -> [PageProblem] {
    let head = query.nodes("/h:html/h:head/*")
    guard head.count >= 2, query.name(head[0]) == "meta",
      query.attribute(head[0], "charset")?.lowercased() == "utf-8"
    else {
      return [
        PageProblem(
          line: 1, column: 0, message: "the head must start with <meta charset=\"utf-8\"/>")
      ]
    }
    let meta = head[1]
    guard query.name(meta) == "meta",
      query.attribute(meta, "http-equiv") == "Content-Security-Policy",
      let policy = query.attribute(meta, "content")
    else {
      return [
        problem(meta, "the Content-Security-Policy meta must come right after the charset meta")
      ]
    }
    var problems: [PageProblem] = []
    if !policy.hasPrefix("default-src 'none'") {
      problems.append(
        problem(meta, "the Content-Security-Policy must start with default-src 'none'"))
    }
    let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
    let scriptSource =
      directives.first { $0.hasPrefix("script-src") }?.split(separator: " ").dropFirst().map(
        String.init) ?? []
    let allowed = Set(scriptSource.filter { $0.hasPrefix("'sha256-") })
    if scriptSource.contains(where: { !$0.hasPrefix("'sha256-") && $0 != "'none'" }) {
      problems.append(problem(meta, "script-src may list only sha256 hashes of the page's scripts"))
    }
    var hashes: Set<String> = []
    for script in query.nodes("//h:script[not(@type) or @type='text/javascript' or @type='module']")
    {
      let hash =
        "'sha256-" + Data(SHA256.hash(data: Data(query.text(script).utf8))).base64EncodedString()
        + "'"
      hashes.insert(hash)
      if !allowed.contains(hash) {
        problems.append(
          problem(script, "this script's hash \(hash) is not in the Content-Security-Policy"))
      }
    }
    for extra in allowed.subtracting(hashes).sorted() {
      problems.append(
        problem(
          meta, "the Content-Security-Policy allows \(extra), which matches no script of the page"))
    }
    return problems
  }

  private func problem(_ node: xmlNodePtr, _ message: String) -> PageProblem {
    let element = node.pointee.type == XML_ATTRIBUTE_NODE ? node.pointee.parent : node
    return PageProblem(
      line: element.map { Int(xmlGetLineNo($0)) } ?? 0, column: 0, message: message)
  }
}

/// Small conveniences over libxml2's XPath API.
struct XPathQuery {
  let context: xmlXPathContextPtr

  func nodes(_ expression: String) -> [xmlNodePtr] {
    guard let object = xmlXPathEvalExpression(expression, context) else { return [] }
    defer { xmlXPathFreeObject(object) }
    guard object.pointee.type == XPATH_NODESET, let set = object.pointee.nodesetval,
      let table = set.pointee.nodeTab
    else { return [] }
    return (0..<Int(set.pointee.nodeNr)).compactMap { table[$0] }
  }

  func text(_ node: xmlNodePtr) -> String {
    guard let content = xmlNodeGetContent(node) else { return "" }
    defer { cxml_free(content) }
    return String(cString: content)
  }

  func name(_ node: xmlNodePtr) -> String {
    node.pointee.name.map { String(cString: $0) } ?? ""
  }

  func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
    guard let value = xmlGetProp(node, name) else { return nil }
    defer { cxml_free(value) }
    return String(cString: value)
  }
}
