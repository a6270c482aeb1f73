import Foundation
import Report
import Testing

extension ExternalProcesses {
  /// The demo page as people read it, in real headless Chromium driven over its DevTools
  /// protocol (`Fixtures/browser/cdp.py`): on a phone, on paper, by keyboard, without
  /// JavaScript, and under axe-core's accessibility rules.
  @Suite("The page as people read it", .serialized)
  struct PageReadingTests {
    /// The demo page, published once for the suite's tests.
    static let demo: URL? = {
      guard let folder = try? TestSupport.temporaryFolder() else { return nil }
      _ = try? TestSupport.run(["demo", "--output", folder.path])
      return folder.appendingPathComponent("index.html")
    }()

    /// Runs `cases` (see cdp.py) and returns each case's values, or nil after saying what is
    /// missing.
    static func browse(_ cases: [[String: Any]]) throws -> [[Any]]? {
      guard let chromium = BrowserTests.chromium else {
        TestSupport.skip("headless Chromium is not installed (apt-get install chromium)")
        return nil
      }
      let probe = try TestSupport.execute(
        URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import websocket"])
      guard probe.status == 0 else {
        TestSupport.skip(
          "Python's websocket-client is not installed (pip install websocket-client)")
        return nil
      }
      let input = try JSONSerialization.data(withJSONObject: cases)
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let file = folder.appendingPathComponent("cases.json")
      try input.write(to: file)
      let script = TestSupport.fixtures.appendingPathComponent("browser/cdp.py").path
      let result = try TestSupport.execute(
        URL(fileURLWithPath: "/bin/sh"),
        ["-c", "exec timeout 180 python3 '\(script)' '\(chromium.path)' < '\(file.path)'"])
      try #require(result.status == 0, "\(result.stderr.suffix(2000))")
      return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Any]]
    }

    /// What does not fit: table wrappers that scroll, tables and cells wider than their room,
    /// and the page wider than the window.
    static let overflow = """
      (() => {
        // Sections far below the window are not laid out until near it (content-visibility):
        // every one is laid out here, so every table is measured.
        for (const site of document.querySelectorAll('.site')) site.style.contentVisibility = 'visible';
        const wide = [];
        for (const wrap of document.querySelectorAll('.table-wrap'))
          if (wrap.scrollWidth > wrap.clientWidth + 1)
            wide.push('scrolls: ' + (wrap.closest('article') || {}).id);
        for (const table of document.querySelectorAll('table'))
          if (table.getBoundingClientRect().right > innerWidth + 1)
            wide.push('table: ' + (table.closest('article') || {}).id);
        for (const cell of document.querySelectorAll('td, th'))
          if (cell.offsetParent && cell.scrollWidth > cell.clientWidth + 1)
            wide.push('cell: ' + cell.textContent.slice(0, 40));
        if (document.documentElement.scrollWidth > innerWidth + 1) wide.push('page');
        return wide;
      })()
      """

    @Test("at 390 px and on an A4 page in print, no table's content is hidden or cut")
    func everyTableWhole() throws {
      guard let page = Self.demo,
        let results = try Self.browse([
          ["url": page.absoluteString, "width": 390, "height": 800, "evaluate": [Self.overflow]],
          [
            "url": page.absoluteString, "width": 768, "height": 1000, "evaluate": [Self.overflow],
          ],
          // A4 less 12 mm margins, at 96 dpi.
          [
            "url": page.absoluteString, "width": 703, "height": 1000, "media": "print",
            "evaluate": [Self.overflow],
          ],
        ])
      else { return }
      for (name, values) in zip(["390 px", "768 px", "print"], results) {
        #expect((values.first as? [String]) == [], "\(name): \(values)")
      }
    }

    @Test("a label's help shows beside it when the label has keyboard focus, without a script")
    func helpOnFocus() throws {
      guard let page = Self.demo,
        let results = try Self.browse([
          [
            "url": page.absoluteString, "javascript": false,
            "evaluate": [
              """
              (() => {
                const label = document.querySelector('article a.field');
                const before = getComputedStyle(label, '::after').display;
                label.focus();
                const after = getComputedStyle(label, '::after');
                return [before, after.display, parseFloat(after.width) > 50 && parseFloat(after.height) > 10,
                        label.textContent, after.content];
              })()
              """
            ],
          ]
        ]),
        let values = results.first?.first as? [Any]
      else { return }
      #expect(values.first as? String == "none", "hidden until asked for")
      #expect(values[1] as? String == "block")
      #expect(values[2] as? Bool == true)
      let help = try HelpCatalog(json: try Assets.embedded.text(template: "help.json"))
      let label = values[3] as? String ?? ""
      let field = help.fieldList.compactMap { value -> (String, String)? in
        guard case .object(let field) = value, case .string(let name)? = field["label"],
          case .string(let text)? = field["help"]
        else { return nil }
        return (name, text)
      }.first { $0.0 == label }
      // Computed, the content is the help as a CSS string: in quotes, quotes escaped.
      let shown = (values[4] as? String) ?? ""
      let expected =
        "\"" + (field?.1 ?? "").replacingOccurrences(of: "\"", with: "\\\"") + "\""
      #expect(field != nil && shown == expected, "the tip is the field's help: \(shown)")
    }

    @Test("with JavaScript off, the filter hides the healthy relationships and says how many")
    func filterWithoutScript() throws {
      guard let page = Self.demo,
        let results = try Self.browse([
          [
            "url": page.absoluteString, "javascript": false,
            "evaluate": [
              """
              (() => {
                for (const site of document.querySelectorAll('.site')) site.style.contentVisibility = 'visible';
                const visible = (element) => element.offsetParent !== null;
                const count = (selector) => [...document.querySelectorAll(selector)].filter(visible).length;
                const before = [count('article[data-severity="ok"]'), count('article:not([data-severity="ok"])'), count('section.site')];
                document.getElementById('only-problems').click();
                const note = document.querySelector('.filter-note');
                return before.concat([count('article[data-severity="ok"]'), count('article:not([data-severity="ok"])'),
                  count('section.site'), visible(note) ? note.textContent : '']);
              })()
              """
            ],
          ]
        ]),
        let values = results.first?.first as? [Any]
      else { return }
      let numbers = values.prefix(6).compactMap { $0 as? Int }
      try #require(numbers.count == 6, "\(values)")
      #expect(numbers[0] == 5 && numbers[1] == 5, "before: 5 healthy and 5 troubled cards")
      #expect(numbers[3] == 0, "no healthy card is left")
      #expect(numbers[4] == 5, "every troubled card stays")
      #expect(numbers[5] < numbers[2], "sites with only healthy relationships are hidden")
      #expect(values[6] as? String == "5 healthy relationships hidden")
    }

    @Test("axe-core finds no accessibility violation, in light and in dark")
    func accessibility() throws {
      let located = try TestSupport.execute(
        URL(fileURLWithPath: "/usr/bin/env"),
        [
          "python3", "-c",
          "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('axe_playwright_python').origin))",
        ])
      guard located.status == 0 else {
        TestSupport.skip(
          "axe-core's script is not installed (pip install --no-deps axe-playwright-python)")
        return
      }
      let axe = try String(
        contentsOfFile: located.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
          + "/axe.min.js", encoding: .utf8)
      let run =
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => v.id + ' (' + v.nodes.length + '): ' + v.help))"
      guard let page = Self.demo,
        let results = try Self.browse(
          ["light", "dark"].map { scheme in
            [
              "url": page.absoluteString, "colorScheme": scheme, "bypassCSP": true,
              "scripts": [axe], "evaluate": ["axe.version", run],
            ]
          })
      else { return }
      for (scheme, values) in zip(["light", "dark"], results) {
        #expect((values.first as? String)?.hasPrefix("4.") == true, "axe-core 4.x: \(values)")
        #expect((values.last as? [String]) == [], "\(scheme): \(values.last ?? "")")
      }
    }

    @Test("printed to PDF, the demo holds every column and every value of the failover rows")
    func printedFailoverRows() throws {
      guard let page = Self.demo, let pdftotext = TestSupport.program("pdftotext") else {
        TestSupport.skip("pdftotext is not installed (apt-get install poppler-utils)")
        return
      }
      guard
        let results = try Self.browse([
          [
            "url": page.absoluteString,
            "evaluate": [
              "[...document.querySelectorAll('table.failover thead th')].map(th => th.querySelector('a.field').textContent)",
              // textContent, not innerText: a section far below the window is not laid out
              // (content-visibility), and innerText reads layout. The stacked rows' labels
              // are left out, as on a wide screen.
              "[...document.querySelectorAll('table.failover tbody td')].map(td => { const c = td.cloneNode(true); c.querySelectorAll('.cell-label').forEach(l => l.remove()); return c.textContent; })",
            ],
          ]
        ])
      else { return }
      let headers = results.first?.first as? [String] ?? []
      let values = Set(results.first?.last as? [String] ?? [])
      #expect(headers.count == 24, "8 columns in each of the 3 failover tables")
      #expect(values.count >= 15)
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let pdf = folder.appendingPathComponent("page.pdf")
      let printed = try BrowserTests.chromium(
        ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"], page: page)
      #expect(printed?.status == 0)
      let text = try TestSupport.execute(pdftotext, [pdf.path, "-"]).stdout
      // Compared without white space and hyphens: the PDF's text breaks lines where the page
      // does, pdftotext joins "2026-12-" and "07" at a line break as "2026-1207", and it
      // drops the no-break space of "1 h".
      func plain(_ text: String) -> String { text.filter { !$0.isWhitespace && $0 != "-" } }
      let flat = plain(text)
      for expected in Set(headers).union(values) {
        #expect(flat.contains(plain(expected)), "not on paper: \(expected)")
      }
    }
  }
}
