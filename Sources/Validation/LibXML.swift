import CLibXML2
import Foundation
import Parallelism

/// Process-wide libxml2 set-up, done once and never undone: `xmlInitParser` is not
/// re-entrant in 2.9, and cleaning up would pull state from under other users in the process.
enum LibXML {
  private static let setUp: Void = {
    xmlInitParser()
    // No document we check may pull in anything from outside, whatever it declares.
    xmlSetExternalEntityLoader { _, _, _ in nil }
  }()

  static func initialize() { _ = setUp }
}

/// Collects libxml2's diagnostics for one check; reached from C callbacks through an
/// unretained pointer that lives only while the check runs.
final class DiagnosticSink {
  var problems: [PageProblem] = []

  var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  static func from(_ pointer: UnsafeMutableRawPointer?) -> DiagnosticSink? {
    guard let pointer else { return nil }
    return Unmanaged<DiagnosticSink>.fromOpaque(pointer).takeUnretainedValue()
  }

  /// What the RelaxNG validator said, apart from the parser's problems (the page is then
  /// well-formed, and its other problems count too).
  var schemaProblems: [PageProblem] = []

  func record(_ error: UnsafePointer<xmlError>) {
    let value = error.pointee
    var message = value.message.map { String(cString: $0) } ?? "libxml2 error \(value.code)"
    while message.hasSuffix("\n") || message.hasSuffix(" ") { message.removeLast() }
    if value.domain == Int32(XML_FROM_RELAXNGV.rawValue) {
      // The streaming validator names content it has no words for as " TODO ".
      message = message.replacingOccurrences(of: "  TODO  ", with: " ")
      schemaProblems.append(
        PageProblem(line: Int(value.line), column: Int(value.int2), message: "schema: " + message))
      return
    }
    problems.append(PageProblem(line: Int(value.line), column: Int(value.int2), message: message))
  }
}

/// The XML parser's per-context handler: the context's `_private` holds the sink.
let parserErrorHandler: xmlStructuredErrorFunc = { userData, error in
  guard let error, let userData else { return }
  let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
  DiagnosticSink.from(context.pointee._private)?.record(UnsafePointer(error))
}

/// Handlers whose user data is the sink itself (RelaxNG, XPath).
let sinkErrorHandler: xmlStructuredErrorFunc = { userData, error in
  guard let error else { return }
  DiagnosticSink.from(userData)?.record(UnsafePointer(error))
}

/// Feeds libxml2's reader from a byte stream, waiting for the writer when it has read all
/// that is written so far.
final class StreamInput {
  private var reader: ByteStream.Reader
  private var segment: [UInt8] = []
  private var offset = 0

  init(_ reader: ByteStream.Reader) { self.reader = reader }

  /// Up to `capacity` bytes into `buffer`: how many, 0 at the end, -1 if the writer gave up.
  func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
    while offset == segment.count {
      guard let next = reader.nextSegment() else {
        return reader.stream.waitForEnding() == .abandoned ? -1 : 0
      }
      segment = next
      offset = 0
    }
    let count = min(capacity, segment.count - offset)
    segment.withUnsafeBytes { bytes in
      guard let base = bytes.baseAddress else { return }
      UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
    }
    offset += count
    return Int32(count)
  }
}

let streamReadCallback: xmlInputReadCallback = { context, buffer, length in
  guard let context, let buffer, length > 0 else { return -1 }
  return Unmanaged<StreamInput>.fromOpaque(context).takeUnretainedValue().read(
    into: buffer, capacity: Int(length))
}
