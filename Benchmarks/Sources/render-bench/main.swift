import Foundation
import Templating

// render-bench --engine project|project-sequential|swift-mustache|handwritten --rows N --iterations K
// render-bench --parse-kb S [--iterations K]     (parse time of a flat template of S KB)
//
// Before timing, the three engines' outputs for the same data are compared byte for byte.

struct Options {
  var engine = "project"
  var rows = 1000
  var iterations = 20
  var parseKB: Int?
  var skipCheck = false
}

func parseOptions() -> Options {
  var options = Options()
  var arguments = CommandLine.arguments.dropFirst().makeIterator()
  while let argument = arguments.next() {
    switch argument {
    case "--engine": options.engine = arguments.next() ?? options.engine
    case "--rows": options.rows = Int(arguments.next() ?? "") ?? options.rows
    case "--iterations":
      options.iterations = max(1, Int(arguments.next() ?? "") ?? options.iterations)
    case "--parse-kb": options.parseKB = Int(arguments.next() ?? "")
    case "--no-check": options.skipCheck = true
    default:
      FileHandle.standardError.write(Data("render-bench: unknown argument \(argument)\n".utf8))
      exit(2)
    }
  }
  return options
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted[sorted.count / 2]
}

/// A flat template of about `kilobytes` KB: text, variables and sections repeated.
func flatTemplate(kilobytes: Int) -> String {
  let chunk =
    "<tr><td>{{name}}</td><td>{{#ok}}yes{{/ok}}{{^ok}}no{{/ok}}</td><td>{{{raw}}}</td></tr>\n"
  return String(repeating: chunk, count: max(1, kilobytes * 1024 / chunk.utf8.count))
}

let options = parseOptions()

if let kilobytes = options.parseKB {
  let text = flatTemplate(kilobytes: kilobytes)
  var times: [Double] = []
  for _ in 0..<options.iterations {
    times.append(try seconds { _ = try Template(text, name: "flat") })
  }
  let time = median(times)
  print(
    String(
      format: "parse %d KB (%d bytes): median %.3f ms over %d runs, %.1f MB/s", kilobytes,
      text.utf8.count, time * 1000, options.iterations, Double(text.utf8.count) / time / 1e6))
  exit(0)
}

let data = ReportData(rows: options.rows)
let project = try ProjectEngine(data: data)
let mustache = try SwiftMustacheEngine(data: data)
let handwritten = HandwrittenWriter(data: data)

if !options.skipCheck {
  let reference = handwritten.render()
  let ours = try project.render()
  let theirs = mustache.render()
  guard try project.renderSequentially() == ours else {
    FileHandle.standardError.write(Data("render-bench: project differs on one core\n".utf8))
    exit(1)
  }
  guard ours == reference, theirs == reference else {
    let name = ours != reference ? "project" : "swift-mustache"
    let other = ours != reference ? ours : theirs
    let index =
      zip(other, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(other.count, reference.count)
    FileHandle.standardError.write(
      Data(
        "render-bench: \(name) differs from handwritten at byte \(index) (\(other.count) vs \(reference.count) bytes)\n"
          .utf8))
    FileHandle.standardError.write(
      Data(
        ("  ours:   "
          + String(
            decoding: other[max(0, index - 40)..<min(other.count, index + 40)], as: UTF8.self)
          + "\n").utf8))
    FileHandle.standardError.write(
      Data(
        ("  theirs: "
          + String(
            decoding: reference[max(0, index - 40)..<min(reference.count, index + 40)],
            as: UTF8.self) + "\n").utf8))
    exit(1)
  }
}

var bytes = 0
var times: [Double] = []
for _ in 0..<options.iterations {
  let time = try seconds {
    switch options.engine {
    case "project": bytes = try project.render().count
    case "project-sequential": bytes = try project.renderSequentially().count
    case "swift-mustache": bytes = mustache.render().count
    case "handwritten": bytes = handwritten.render().count
    default:
      FileHandle.standardError.write(Data("render-bench: unknown engine \(options.engine)\n".utf8))
      exit(2)
    }
  }
  times.append(time)
}
let time = median(times)
print(
  String(
    format: "%@ rows=%d bytes=%d median=%.3f ms runs=%d throughput=%.1f MB/s", options.engine,
    options.rows, bytes, time * 1000, options.iterations, Double(bytes) / time / 1e6))
