import CLibXML2
import Crypto
import Foundation
import Parallelism

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

  /// The gate for `bytes` as the run that wrote them used it: an archive index page (its
  /// `main` is `<main class="archive">`) may link the files beside it; any other page may not.
  public static func matching(_ bytes: [UInt8], schema: [UInt8]?) -> PageValidator {
    PageValidator(schema: schema, allowsRelativeLinks: isArchiveIndex(bytes))
  }

  /// Whether the page's first `main` element is an archive index's.
  static func isArchiveIndex(_ bytes: [UInt8]) -> Bool {
    let opening = Array("<main".utf8)
    let archive = Array(" class=\"archive\">".utf8)
    guard let start = bytes.firstRange(of: opening) else { return false }
    return bytes[start.upperBound...].starts(with: archive)
  }

  /// Every problem found; empty means the page may be published.
  ///
  /// The page is read as a stream (libxml2's reader, with the RelaxNG schema checked as it
  /// goes) and never held as a whole tree: a tree of a 50,000-server page took 240 MB and
  /// more time to build and free than the checks took to run.
  public func validate(_ bytes: [UInt8], name: String = "index.html") -> [PageProblem] {
    validate(ByteStream(bytes), name: name)
  }

  /// Every problem found in the page `stream` carries, read as it is written: a page being
  /// rendered is checked up to where the renderer has got. A stream its writer abandoned is
  /// a page that was never whole, and never passes.
  public func validate(_ stream: ByteStream, name: String = "index.html") -> [PageProblem] {
    LibXML.initialize()
    // The schema is compiled while the first bytes are still being rendered.
    var compiled: xmlRelaxNGPtr?
    if let schema {
      switch SchemaCheck.compile(schema) {
      case .success(let schema): compiled = schema
      case .failure(let failure): return [failure.problem]
      }
    }
    defer { if let compiled { xmlRelaxNGFree(compiled) } }
    let wanted = Self.prologue.count + 3
    let start = Self.firstBytes(of: stream, count: wanted)
    // Fewer bytes than asked for: the writer has ended, one way or the other.
    if start.count < wanted, stream.waitForEnding() == .abandoned { return [Self.notWhole] }
    guard !start.isEmpty else {
      return [PageProblem(line: 1, column: 1, message: "the page is empty")]
    }
    if let problem = checkPrologue(start) { return [problem] }
    let knownElements = schema.map(SchemaCheck.elementNames) ?? []
    let sink = DiagnosticSink()
    // HUGE: lifts only size and depth limits (a large fleet's page passes 10,000,000 bytes);
    // the page is our own output and entities stay off.
    let options = Int32(
      XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_HUGE.rawValue)
    let input = StreamInput(stream.makeReader())
    return withExtendedLifetime(input) { () -> [PageProblem] in
      let reader = xmlReaderForIO(
        streamReadCallback, nil, Unmanaged.passUnretained(input).toOpaque(), name, "UTF-8",
        options)
      guard let reader else {
        return [PageProblem(line: 0, column: 0, message: "libxml2 could not create a reader")]
      }
      defer { xmlFreeTextReader(reader) }
      xmlTextReaderSetStructuredErrorHandler(reader, sinkErrorHandler, sink.opaque)
      if let compiled, xmlTextReaderRelaxNGSetSchema(reader, compiled) != 0 {
        return [
          PageProblem(line: 0, column: 0, message: "libxml2 could not start the schema check")
        ]
      }
      var policy = PolicyCheck(
        knownElements: knownElements, allowsRelativeLinks: allowsRelativeLinks)
      var structure: [PageProblem] = []
      var sawDoctype = false
      var sawRoot = false
      var rootClosed = false
      var result = xmlTextReaderRead(reader)
      while result == 1 {
        if xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_END_ELEMENT.rawValue),
          xmlTextReaderDepth(reader) == 0
        {
          rootClosed = true
        }
        if let node = xmlTextReaderCurrentNode(reader) {
          if node.pointee.type == XML_DTD_NODE {
            sawDoctype = true
            structure += checkDoctype(node)
          } else if node.pointee.type == XML_ELEMENT_NODE,
            xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue)
          {
            let depth = Int(xmlTextReaderDepth(reader))
            if depth == 0 {
              if !sawDoctype {
                structure.append(
                  PageProblem(line: 1, column: 1, message: "the page has no doctype"))
              }
              sawRoot = true
              structure += checkRoot(node)
            }
            policy.visit(element: node, depth: depth) { xmlTextReaderExpand(reader) }
          }
        }
        result = xmlTextReaderRead(reader)
      }
      if stream.waitForEnding() == .abandoned { return [Self.notWhole] }
      if result != 0 || !sink.problems.isEmpty {
        guard !sink.problems.isEmpty else {
          return [PageProblem(line: 1, column: 1, message: "the page is not well-formed XML")]
        }
        // The reader is fed in chunks and says "Extra content at the end of the document"
        // where the document parser says the page was cut short.
        return sink.problems.map { problem in
          guard !rootClosed, problem.message == "Extra content at the end of the document" else {
            return problem
          }
          var cut = problem
          cut.message = "the page ends before its elements are closed (cut short?)"
          return cut
        }
      }
      guard sawRoot else {
        return [PageProblem(line: 1, column: 1, message: "the page has no root element")]
      }
      var problems = structure + sink.schemaProblems + policy.finish()
      if compiled != nil, sink.schemaProblems.isEmpty, xmlTextReaderIsValid(reader) != 1 {
        problems.append(
          PageProblem(line: 0, column: 0, message: "the page does not match the schema"))
      }
      return problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }
  }

  private static let prologue = Array("<!DOCTYPE html>".utf8)
  /// Said of a page whose renderer gave up part of the way.
  private static let notWhole = PageProblem(
    line: 0, column: 0, message: "the page was not rendered in full, so it cannot be published")

  /// At least `count` bytes from the start of `stream` (fewer only if the page is shorter),
  /// waiting for the writer as needed.
  private static func firstBytes(of stream: ByteStream, count: Int) -> [UInt8] {
    var reader = stream.makeReader()
    var bytes: [UInt8] = []
    while bytes.count < count, let segment = reader.nextSegment() {
      bytes.append(contentsOf: segment.prefix(count - bytes.count))
    }
    return bytes
  }

  /// The page must start with exactly `<!DOCTYPE html>` (an XML declaration or another
  /// doctype would change how browsers or libxml2 read it).
  private func checkPrologue(_ bytes: [UInt8]) -> PageProblem? {
    var start = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    guard bytes.dropFirst(start).starts(with: Self.prologue) else {
      return PageProblem(
        line: 1, column: 1, message: "the page must begin with exactly <!DOCTYPE html>")
    }
    return nil
  }

  private func checkDoctype(_ node: xmlNodePtr) -> [PageProblem] {
    let doctype = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlDtd.self)
    let name = doctype.pointee.name.map { String(cString: $0) } ?? ""
    guard
      name == "html", doctype.pointee.ExternalID == nil, doctype.pointee.SystemID == nil,
      doctype.pointee.children == nil
    else {
      return [
        PageProblem(
          line: 1, column: 1,
          message:
            "the doctype must be exactly <!DOCTYPE html>, with no identifiers or internal subset")
      ]
    }
    return []
  }

  private func checkRoot(_ root: xmlNodePtr) -> [PageProblem] {
    let rootName = String(cString: root.pointee.name)
    let namespace = root.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } }
    guard rootName == "html", namespace == "http://www.w3.org/1999/xhtml" else {
      return [
        PageProblem(
          line: Int(xmlGetLineNo(root)), column: 0,
          message:
            "the root element must be html in the XHTML namespace (xmlns=\"http://www.w3.org/1999/xhtml\")"
        )
      ]
    }
    return []
  }
}
