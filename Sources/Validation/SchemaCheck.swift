import CLibXML2
import Foundation

/// The report's RelaxNG schema: compiled for the reader that checks a page as it streams by.
enum SchemaCheck {
  /// A compiled schema, to free with `xmlRelaxNGFree` once the check is done; or the problem
  /// that stops the check.
  static func compile(_ schema: [UInt8]) -> Result<xmlRelaxNGPtr, SchemaCompileProblem> {
    let sink = DiagnosticSink()
    // The parser context keeps a pointer to the bytes, so compile inside the closure that
    // keeps them alive (a release build frees them early otherwise).
    let compiled: xmlRelaxNGPtr? = schema.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        guard let parser = xmlRelaxNGNewMemParserCtxt(chars.baseAddress, Int32(chars.count)) else {
          return nil
        }
        defer { xmlRelaxNGFreeParserCtxt(parser) }
        xmlRelaxNGSetParserStructuredErrors(parser, sinkErrorHandler, sink.opaque)
        xmlSetStructuredErrorFunc(sink.opaque, sinkErrorHandler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return xmlRelaxNGParse(parser)
      }
    }
    guard let compiled else {
      return .failure(
        SchemaCompileProblem(
          problem: PageProblem(
            line: 0, column: 0,
            message:
              "the page schema does not compile: \(sink.problems.first?.message ?? "unknown error")"
          )))
    }
    return .success(compiled)
  }

  /// The XHTML element names a schema admits, read from its `element/@name` and `name`
  /// patterns, so an unknown element can be reported at its own line (RelaxNG reports the
  /// parent's).
  static func elementNames(in schema: [UInt8]) -> Set<String> {
    let document = schema.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        xmlReadMemory(
          chars.baseAddress, Int32(chars.count), "schema.rng", "UTF-8",
          Int32(XML_PARSE_NONET.rawValue))
      }
    }
    guard let document else { return [] }
    defer { xmlFreeDoc(document) }
    guard let context = xmlXPathNewContext(document) else { return [] }
    defer { xmlXPathFreeContext(context) }
    xmlXPathRegisterNs(context, "rng", "http://relaxng.org/ns/structure/1.0")
    let query = XPathQuery(context: context)
    let nodes = query.nodes(
      "//rng:element/@name | //rng:element/rng:name[not(@ns)] | //rng:element/rng:choice/rng:name[not(@ns)]"
    )
    return Set(nodes.map { query.text($0).trimmingCharacters(in: .whitespaces) })
  }
}

/// Why the schema could not be used.
struct SchemaCompileProblem: Error {
  var problem: PageProblem
}
