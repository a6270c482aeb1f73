import Foundation
import Parallelism
import Report
import Testing
import Validation

/// The publish gate rejects each kind of broken page, naming the line of the mistake.
@Suite("Publish gate")
struct PageValidatorTests {
  static let script = "(function () { document.body.className = \"js\"; })();"

  /// A small page that passes, one construct per line so mistakes have known lines.
  static var good: String {
    """
    <!DOCTYPE html>
    <html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
    <head>
    <meta charset="utf-8"/>
    <meta http-equiv="Content-Security-Policy" content="\(PageRenderer.contentSecurityPolicy(scripts: [script]))"/>
    <title>t</title>
    <style>body { color: black; }</style>
    </head>
    <body>
    <p id="a">Hello <a href="#b">there</a></p>
    <p id="b">Line eleven<br/></p>
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1"/></svg>
    <script>\(script)</script>
    </body>
    </html>
    """
  }

  static func problems(_ page: String) -> [PageProblem] {
    PageValidator(schema: nil).validate(Array(page.utf8))
  }

  /// The verdict on `page` read as another thread writes it, `segment` bytes at a time (as a
  /// page is validated while it is rendered); `abandonAt` makes the writer give up there.
  static func streamed(_ page: String, segment: Int = 5, abandonAt: Int? = nil) -> [PageProblem] {
    let bytes = Array(page.utf8)
    let stream = ByteStream()
    let verdict = DedicatedThread(name: "gate") { PageValidator(schema: nil).validate(stream) }
    var start = 0
    while start < bytes.count {
      if let abandonAt, start >= abandonAt {
        stream.abandon()
        return verdict.wait()
      }
      let end = min(bytes.count, start + segment)
      stream.write(Array(bytes[start..<end]))
      start = end
    }
    if abandonAt != nil { stream.abandon() } else { stream.finish() }
    return verdict.wait()
  }

  @Test("the good page passes")
  func goodPasses() {
    #expect(Self.problems(Self.good).isEmpty)
  }

  @Test(
    "each broken page is rejected at the right line",
    arguments: [
      ("unclosed void element", "<br/>", "<br>", 11),
      ("named entity", "Line eleven", "Line&nbsp;eleven", 11),
      ("bare ampersand", "Line eleven", "Line & eleven", 11),
      ("duplicate id", "<p id=\"b\">", "<p id=\"a\">", 11),
      ("dangling in-page link", "href=\"#b\"", "href=\"#nowhere\"", 10),
      ("external image", "Line eleven", "<img src=\"https://example.net/x.png\" alt=\"\"/>", 11),
      ("external link", "href=\"#b\"", "href=\"http://example.net/\"", 10),
      ("CSS url()", "color: black;", "background: url(x.png);", 7),
      ("CSS @import", "body { color: black; }", "@import 'x.css';", 7),
      ("script src", "<p id=\"b\">", "<script src=\"x.js\"></script><p id=\"b\">", 11),
      ("attribute without value", "<p id=\"b\">", "<p id=\"b\" hidden>", 11),
      ("unquoted attribute", "<p id=\"b\">", "<p id=b>", 11),
      ("event handler", "<p id=\"b\">", "<p id=\"b\" onclick=\"x()\">", 11),
      ("iframe", "<p id=\"b\">", "<iframe title=\"x\"></iframe><p id=\"b\">", 11),
      (
        "meta refresh", "<title>t</title>",
        "<meta http-equiv=\"refresh\" content=\"0\"/><title>t</title>", 6
      ),
      ("javascript: URL", "href=\"#b\"", "href=\"javascript:alert(1)\"", 10),
      ("mismatched tags", "<p id=\"a\">Hello", "<p id=\"a\"><em>Hello", 10),
      ("SVG script", "<circle cx=\"1\" cy=\"1\" r=\"1\"/>", "<script>alert(1)</script>", 12),
      // Ids and links: their syntax is the policy walk's (the schema asks only for a name).
      ("link to another document", "href=\"#b\"", "href=\"other.html#b\"", 10),
      ("mail link", "href=\"#b\"", "href=\"mailto:noc@example.net\"", 10),
      ("link with a query", "href=\"#b\"", "href=\"?b\"", 10),
      ("id with a dot", "<p id=\"b\">", "<p id=\"b.c\">", 11),
      ("id starting with a digit", "<p id=\"b\">", "<p id=\"9b\">", 11),
    ])
  func broken(name: String, find: String, replace: String, line: Int) throws {
    let page = Self.good.replacingOccurrences(of: find, with: replace)
    #expect(page != Self.good, "the mutation \(name) did not apply")
    let problems = Self.problems(page)
    #expect(!problems.isEmpty, "\(name) was accepted")
    #expect(problems.contains { $0.line == line }, "\(name): \(problems)")
    #expect(Self.streamed(page) == problems, "\(name), read as it is written")
  }

  @Test(
    "a page read as it is written passes or fails as it does whole; one whose writer gave up never passes"
  )
  func streamedPages() {
    #expect(Self.streamed(Self.good).isEmpty)
    #expect(Self.streamed(Self.good, segment: 1).isEmpty)
    let notWhole = "the page was not rendered in full, so it cannot be published"
    let count = Self.good.utf8.count
    for abandonAt in [0, 10, count / 2, count] {
      let problems = Self.streamed(Self.good, segment: 7, abandonAt: abandonAt)
      #expect(problems.map(\.message) == [notWhole], "abandoned at \(abandonAt): \(problems)")
    }
  }

  @Test(
    "page-wide mistakes are rejected",
    arguments: [
      ("missing CSP", "<meta http-equiv=\"Content-Security-Policy\"", "<meta name=\"x\""),
      ("wrong script hash", "document.body.className", "document.body.id"),
      ("lower-case doctype", "<!DOCTYPE html>", "<!doctype html>"),
      ("XML declaration", "<!DOCTYPE html>", "<?xml version=\"1.0\"?>\n<!DOCTYPE html>"),
      ("no XHTML namespace", " xmlns=\"http://www.w3.org/1999/xhtml\"", ""),
      (
        "doctype with a system id", "<!DOCTYPE html>",
        "<!DOCTYPE html SYSTEM \"file:///etc/passwd\">"
      ),
      ("CSP that allows the network", "default-src 'none'", "default-src *"),
    ])
  func pageWide(name: String, find: String, replace: String) {
    let page = Self.good.replacingOccurrences(of: find, with: replace)
    #expect(page != Self.good)
    #expect(!Self.problems(page).isEmpty, "\(name) was accepted")
  }

  @Test("the archive's index may link to files beside it, and still to nothing on the network")
  func relativeLinks() {
    let archive = PageValidator(schema: nil, allowsRelativeLinks: true)
    let local = Self.good.replacingOccurrences(
      of: "href=\"#b\"", with: "href=\"2026/11/22/index.html\"")
    #expect(archive.validate(Array(local.utf8)).isEmpty)
    #expect(!Self.problems(local).isEmpty)
    for remote in ["http://example.net/", "//example.net/x", "file:///etc/passwd"] {
      let page = Self.good.replacingOccurrences(of: "href=\"#b\"", with: "href=\"\(remote)\"")
      #expect(!archive.validate(Array(page.utf8)).isEmpty, "\(remote)")
    }
  }

  @Test("a page whose embedded data passes 10 MB still passes (a large fleet's snapshot)")
  func largeDataBlock() {
    let data =
      "{\"appliances\": [" + String(repeating: "{\"name\": \"kea-1-a\"},", count: 600_000) + "{}]}"
    let page = Self.good.replacingOccurrences(
      of: "<script>",
      with: "<script type=\"application/json\" id=\"snapshot\">\(data)</script>\n<script>")
    #expect(data.utf8.count > 12_000_000)
    let problems = Self.problems(page)
    #expect(problems.isEmpty, "\(problems.prefix(3))")
  }

  @Test("an empty page and a page that is not UTF-8 are rejected")
  func notAPage() {
    #expect(!PageValidator(schema: nil).validate([]).isEmpty)
    var bytes = Array(Self.good.utf8)
    if let index = bytes.firstIndex(of: UInt8(ascii: "H")) { bytes[index] = 0xE9 }
    #expect(!PageValidator(schema: nil).validate(bytes).isEmpty)
  }

  @Test("a page cut short is rejected as cut short, wherever it was cut")
  func cutShort() {
    let bytes = Array(Self.good.utf8)
    for end in stride(from: bytes.count / 4, to: bytes.count - 8, by: 37) {
      let problems = PageValidator(schema: nil).validate(Array(bytes[..<end]))
      #expect(!problems.isEmpty, "cut at \(end) passed")
    }
    let cut = Self.good.components(separatedBy: "<svg")[0]
    let problems = Self.problems(cut)
    #expect(
      problems.contains { $0.message.contains("cut short") }, "\(problems)")
  }
}
