import CLibXML2

/// Validates a parsed page against a RelaxNG schema given as bytes.
enum SchemaCheck {
  static func validate(_ document: xmlDocPtr, schema: [UInt8]) -> [PageProblem] {
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
      return [
        PageProblem(
          line: 0, column: 0,
          message:
            "the page schema does not compile: \(sink.problems.first?.message ?? "unknown error")")
      ]
    }
    defer { xmlRelaxNGFree(compiled) }
    guard let context = xmlRelaxNGNewValidCtxt(compiled) else {
      return [
        PageProblem(line: 0, column: 0, message: "libxml2 could not create a schema validator")
      ]
    }
    defer { xmlRelaxNGFreeValidCtxt(context) }
    xmlRelaxNGSetValidStructuredErrors(context, sinkErrorHandler, sink.opaque)
    let result = xmlRelaxNGValidateDoc(context, document)
    if result != 0 && sink.problems.isEmpty {
      return [PageProblem(line: 0, column: 0, message: "the page does not match the schema")]
    }
    return sink.problems.map {
      PageProblem(line: $0.line, column: $0.column, message: "schema: " + $0.message)
    }
  }
}
