import CLibXML2

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
