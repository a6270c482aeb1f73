import Foundation
import Report
import Templating
import Testing

extension ExternalProcesses {
  /// The demo page in a real browser: Debian's headless Chromium.
  @Suite("Headless Chromium", .serialized)
  struct BrowserTests {
    static let chromium = TestSupport.program("chromium", "chromium-browser", "google-chrome")

    /// Runs headless Chromium on a file, with a time limit so a stuck browser fails the test
    /// instead of hanging the suite.
    static func chromium(_ arguments: [String], page: URL) throws -> TestSupport.Result? {
      guard let chromium, let timeout = TestSupport.program("timeout") else {
        #expect(!TestSupport.isCI, "headless Chromium is not installed (apt-get install chromium)")
        return nil
      }
      return try TestSupport.execute(
        timeout,
        [
          "120", chromium.path, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--no-first-run", "--user-data-dir=\(page.deletingLastPathComponent().path)/profile",
        ] + arguments + [page.absoluteString])
    }

    private func demoPage(regions: Bool = false) throws -> (URL, URL) {
      let folder = try TestSupport.temporaryFolder()
      _ = try TestSupport.run(["demo", "--output", folder.path] + (regions ? ["--regions"] : []))
      return (folder, folder.appendingPathComponent("index.html"))
    }

    /// The demo's page, and the page `demo --regions` merges from two regional runs, which
    /// also shows the fields only a merged page has.
    @Test(
      "every field label and help text is in the DOM Chromium builds, and the page needs no script",
      arguments: [false, true])
    func dumpDOM(merged: Bool) throws {
      let (folder, page) = try demoPage(regions: merged)
      defer { try? FileManager.default.removeItem(at: folder) }
      guard let result = try Self.chromium(["--dump-dom"], page: page) else { return }
      #expect(result.status == 0, "\(result.stderr.suffix(2000))")
      let dom = result.stdout
      let help = try HelpCatalog(json: try Assets.embedded.text(template: "help.json"))
      #expect(help.fieldList.count >= 19)
      if merged {
        #expect(dom.contains("Regions: 2 of 2 current"))
        #expect(dom.contains("Region north</h2>") && dom.contains("Region south</h2>"))
      }
      for case .object(let field) in help.fieldList {
        if case .bool(true)? = field["merged"], !merged { continue }
        guard case .string(let key)? = field["key"], case .string(let label)? = field["label"],
          case .string(let text)? = field["help"]
        else {
          Issue.record("a field of help.json has no key, label or help")
          continue
        }
        let serialized = Self.htmlText(text)
        #expect(
          dom.contains("href=\"#field-\(key)\">\(Self.htmlText(label))</a>"), "label \(label)")
        #expect(
          dom.contains(
            "id=\"field-\(key)\"><dt>\(Self.htmlText(label))</dt><dd>\(serialized)</dd>"),
          "help of \(label)")
      }
      // The page runs no script at all: its filter is CSS (tested in PageReadingTests).
      #expect(dom.contains("<input type=\"checkbox\" id=\"only-problems\">"))
      #expect(!dom.contains("<script>"))
    }

    @Test("a screenshot and a printed PDF of the demo page")
    func screenshotAndPDF() throws {
      let (folder, page) = try demoPage()
      defer { try? FileManager.default.removeItem(at: folder) }
      let png = folder.appendingPathComponent("page.png")
      guard
        let shot = try Self.chromium(
          ["--window-size=1280,1600", "--screenshot=\(png.path)"], page: page)
      else { return }
      #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
      let image = try TestSupport.read(png)
      #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
      // Width and height are big-endian in the IHDR chunk.
      let width = image.count > 24 ? image[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
      #expect(width == 1280)
      #expect(image.count > 50_000, "a blank page compresses to a few kilobytes")

      let pdf = folder.appendingPathComponent("page.pdf")
      let printed = try Self.chromium(
        ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"], page: page)
      #expect(printed?.status == 0)
      let document = try TestSupport.read(pdf)
      #expect(document.starts(with: Array("%PDF-".utf8)))
      let text = String(decoding: document, as: UTF8.self)
      let pages = text.components(separatedBy: "/Type /Page").count - 1
      // The print style sheet expands everything: several A4 pages, never one squeezed page.
      #expect(pages >= 4, "\(pages) pages")
    }

    /// Text as an HTML serializer writes it.
    static func htmlText(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(
          of: "\u{A0}", with: "&nbsp;")
    }
  }
}
