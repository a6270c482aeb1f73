import CLibXML2
import Crypto
import Foundation

/// The publish gate: checks a page's exact bytes with libxml2 before it may be published.
///
/// A page passes when it is well-formed XML (polyglot markup), has exactly `<!DOCTYPE html>`
/// and an XHTML root, matches the report's RelaxNG schema when one is given, and loads nothing
/// from outside itself: no external URL anywhere, ids unique, every in-page link resolves,
/// the CSP meta comes right after the charset and allows exactly the page's scripts.
public struct PageValidator: Sendable {
  /// The RelaxNG schema's bytes, or nil to skip the schema check.
  public var schema: [UInt8]?
  /// Whether links may name other files beside the page (the archive's index links to the
  /// archived pages); otherwise every link is `#` and an id of the page. Nothing may load
  /// from the network either way.
  public var allowsRelativeLinks: Bool

  public init(schema: [UInt8]?, allowsRelativeLinks: Bool = false) {
    self.schema = schema
    self.allowsRelativeLinks = allowsRelativeLinks
  }

  /// Every problem found; empty means the page may be published.
  public func validate(_ bytes: [UInt8], name: String = "index.html") -> [PageProblem] {
    LibXML.initialize()
    guard !bytes.isEmpty else {
      return [PageProblem(line: 1, column: 1, message: "the page is empty")]
    }
    if let problem = checkPrologue(bytes) { return [problem] }
    let sink = DiagnosticSink()
    guard let context = xmlNewParserCtxt() else {
      return [PageProblem(line: 0, column: 0, message: "libxml2 could not create a parser")]
    }
    defer { xmlFreeParserCtxt(context) }
    context.pointee.sax.pointee.serror = parserErrorHandler
    context.pointee._private = sink.opaque
    // HUGE: the embedded snapshot of a large fleet is one text node past libxml2's default
    // limit of 10,000,000 bytes (a page of 10,000 servers failed with "Huge input lookup").
    // It lifts only size and depth limits; the page is our own output and entities stay off.
    let options = Int32(
      XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_HUGE.rawValue)
    let document = bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), name, "UTF-8", options)
      }
    }
    guard let document else {
      return sink.problems.isEmpty
        ? [PageProblem(line: 1, column: 1, message: "the page is not well-formed XML")]
        : sink.problems
    }
    defer { xmlFreeDoc(document) }
    if context.pointee.wellFormed == 0 || context.pointee.nsWellFormed == 0
      || !sink.problems.isEmpty
    {
      return sink.problems.isEmpty
        ? [PageProblem(line: 1, column: 1, message: "the page is not well-formed XML")]
        : sink.problems
    }
    var problems = checkStructure(document)
    if let schema { problems += SchemaCheck.validate(document, schema: schema) }
    let knownElements = schema.map(SchemaCheck.elementNames) ?? []
    problems += PolicyCheck(
      document: document, knownElements: knownElements, allowsRelativeLinks: allowsRelativeLinks
    ).run()
    return problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
  }

  /// The page must start with exactly `<!DOCTYPE html>` (an XML declaration or another
  /// doctype would change how browsers or libxml2 read it).
  private func checkPrologue(_ bytes: [UInt8]) -> PageProblem? {
    var start = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    let expected = Array("<!DOCTYPE html>".utf8)
    guard bytes.count >= start + expected.count,
      Array(bytes[start..<(start + expected.count)]) == expected
    else {
      return PageProblem(
        line: 1, column: 1, message: "the page must begin with exactly <!DOCTYPE html>")
    }
    return nil
  }

  private func checkStructure(_ document: xmlDocPtr) -> [PageProblem] {
    var problems: [PageProblem] = []
    if let subset = document.pointee.intSubset {
      let name = subset.pointee.name.map { String(cString: $0) } ?? ""
      if name != "html" || subset.pointee.ExternalID != nil || subset.pointee.SystemID != nil
        || subset.pointee.children != nil
      {
        problems.append(
          PageProblem(
            line: 1, column: 1,
            message:
              "the doctype must be exactly <!DOCTYPE html>, with no identifiers or internal subset")
        )
      }
    } else {
      problems.append(PageProblem(line: 1, column: 1, message: "the page has no doctype"))
    }
    guard let root = xmlDocGetRootElement(document) else {
      return problems + [PageProblem(line: 1, column: 1, message: "the page has no root element")]
    }
    let rootName = String(cString: root.pointee.name)
    let namespace = root.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } }
    if rootName != "html" || namespace != "http://www.w3.org/1999/xhtml" {
      problems.append(
        PageProblem(
          line: Int(xmlGetLineNo(root)), column: 0,
          message:
            "the root element must be html in the XHTML namespace (xmlns=\"http://www.w3.org/1999/xhtml\")"
        ))
    }
    return problems
  }
}
