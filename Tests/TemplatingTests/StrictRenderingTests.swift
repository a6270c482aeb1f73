import Parallelism
import Templating
import Testing

/// What the spec leaves open: strict mode, escaping for XML and JSON, numbers, limits, errors.
@Suite("Templating beyond the spec")
struct StrictRenderingTests {
  static func render(_ text: String, _ value: TemplateValue, partials: [String: String] = [:])
    throws(TemplateError) -> String
  {
    try Template(text, name: "page.mustache").renderString(
      value, library: TemplateLibrary(templates: partials))
  }

  static func error(_ text: String, _ value: TemplateValue, partials: [String: String] = [:])
    -> TemplateError?
  {
    do {
      _ = try render(text, value, partials: partials)
      return nil
    } catch {
      return error
    }
  }

  @Test("an unknown key names the template, line, column, line text and key")
  func unknownKey() throws {
    let error = try #require(Self.error("<p>\n  <b>{{serverName}}</b>\n</p>", ["name": "a"]))
    #expect(error.template == "page.mustache")
    #expect(error.line == 2)
    #expect(error.column == 6)
    #expect(error.lineText == "  <b>{{serverName}}</b>")
    #expect(error.key == "serverName")
    #expect(error.description.hasPrefix("page.mustache:2:6: unknown key 'serverName'"))
  }

  @Test("a broken dotted chain is an error in strict mode and empty in lenient mode")
  func brokenChain() throws {
    let value: TemplateValue = ["a": ["b": [:]]]
    #expect(Self.error("{{a.b.c}}", value)?.key == "a.b.c")
    #expect(try Template("[{{a.b.c}}]").renderString(value, options: .lenient) == "[]")
  }

  @Test("a missing partial is an error in strict mode")
  func missingPartial() throws {
    let error = try #require(Self.error("x {{>help}}", [:]))
    #expect(error.message == "no partial named 'help'")
    #expect(error.column == 3)
  }

  @Test("values of the wrong kind are errors in strict mode")
  func wrongKinds() {
    #expect(
      Self.error("{{#count}}x{{/count}}", ["count": 3])?.message.contains("over a number") == true)
    #expect(
      Self.error("{{list}}", ["list": [1, 2]])?.message.contains("cannot be written as text")
        == true)
    #expect(Self.error("{{>*name}}", ["name": 3])?.message.contains("must be a string") == true)
  }

  @Test("syntax mistakes point at the tag")
  func syntax() {
    #expect(
      Self.error("a\n{{#open}}b", ["open": true])?.description.hasPrefix(
        "page.mustache:2:1: 'open' is opened here but never closed") == true)
    #expect(Self.error("{{#a}}{{/b}}", ["a": true])?.message.hasPrefix("expected {{/a}}") == true)
    #expect(Self.error("x {{name", [:])?.message.hasPrefix("this tag is never closed") == true)
    #expect(Self.error("{{/a}}", [:])?.message.contains("never opened") == true)
    #expect(Self.error("{{=<% %> x=}}", [:])?.message.contains("two delimiters") == true)
    #expect(Self.error("{{a b}}", [:])?.message.contains("white space") == true)
  }

  @Test("HTML escaping covers & < > \" ' with references valid in XML")
  func htmlEscaping() throws {
    #expect(
      try Self.render("{{x}}", ["x": "<a href=\"x\">'&'</a>"])
        == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(try Self.render("{{{x}}}{{&x}}", ["x": "<b>"]) == "<b><b>")
    #expect(htmlEscaped("ünïcode ✓") == "ünïcode ✓")
  }

  @Test("sections over lists nested deep stop at the step budget with an error, not a hang")
  func stepBudget() throws {
    // Found by the template fuzz target: twelve nested sections over a three-item list are
    // half a million renders; twenty would be 3.5 billion.
    let nested =
      String(repeating: "{{#list}}", count: 20) + "x"
      + String(repeating: "{{/list}}", count: 20)
    let data: TemplateValue = ["list": [1, 2, 3]]
    let template = try Template(nested, name: "nested.mustache")
    var options = RenderOptions()
    options.maximumSteps = 10_000
    do {
      _ = try template.renderString(data, options: options)
      Issue.record("rendering 3^20 sections did not stop")
    } catch {
      #expect(error.message.contains("more than 10000 sections, list items and partials"))
      #expect(error.line == 1)
    }
    // The same shape within the budget renders in full: 3^6 x's.
    let shallow =
      String(repeating: "{{#list}}", count: 6) + "x"
      + String(repeating: "{{/list}}", count: 6)
    let output = try Template(shallow, name: "shallow.mustache").renderString(
      data, options: options)
    #expect(output == String(repeating: "x", count: 729))
  }

  @Test("bidirectional controls are shown as their code points, other text as it is")
  func bidiControls() {
    #expect(
      htmlEscaped("kea-\u{202E}gnp.exe\u{202C} \u{2067}x\u{2069}")
        == "kea-[U+202E]gnp.exe[U+202C] [U+2067]x[U+2069]")
    // Other characters whose UTF-8 starts with E2 pass: dashes, quotes, arrows, the line
    // separator, the left-to-right mark.
    let untouched = "– — ‘’ “” … → ✓ \u{2028}\u{200E}"
    #expect(htmlEscaped(untouched) == untouched)
    #expect(htmlEscaped("\u{202E}") == "[U+202E]")
  }

  @Test("JSON for a script element cannot close the element")
  func jsonEscaping() {
    let escaped = jsonEscapedForScript(#"{"a":"</script><b>&\#u{2028}\#u{2029}"}"#)
    #expect(!escaped.contains("<") && !escaped.contains(">") && !escaped.contains("&"))
    #expect(escaped == #"{"a":"\u003c/script\u003e\u003cb\u003e\u0026\u2028\u2029"}"#)
  }

  @Test("numbers are written without locale or needless fractions")
  func numbers() throws {
    #expect(
      try Self.render("{{a}} {{b}} {{c}} {{d}}", ["a": 3, "b": 2.5, "c": -0.125, "d": 1e21])
        == "3 2.5 -0.125 1e+21")
  }

  @Test("object keys keep their order when read from JSON")
  func keyOrder() throws {
    let value = try TemplateValue(json: #"{"z": 1, "a": 2, "m": 3}"#)
    guard case .object(let object) = value else {
      Issue.record("not an object")
      return
    }
    #expect(object.keys == ["z", "a", "m"])
  }

  @Test("JSON mistakes give line and column")
  func jsonErrors() {
    #expect(throws: JSONValueError.self) { try TemplateValue(json: "{\n  \"a\": tru }") }
    do {
      _ = try TemplateValue(json: "{\n  \"a\": tru }")
    } catch {
      #expect(error.line == 2)
      #expect(error.column == 8)
    }
  }

  @Test("a partial that includes itself stops at the depth limit with an error")
  func recursion() {
    let error = Self.error("{{>loop}}", [:], partials: ["loop": "x{{>loop}}"])
    #expect(error?.message.contains("nest more than 64 deep") == true)
  }

  @Test("deeply nested sections stop at the nesting limit with an error, not a crash")
  func nesting() {
    let text = String(repeating: "{{#a}}", count: 200) + String(repeating: "{{/a}}", count: 200)
    #expect(throws: TemplateError.self) { try Template(text) }
  }

  @Test("a compiled template renders the same bytes every time, from many tasks")
  func concurrentRendering() async throws {
    let template = try Template("{{#items}}<li>{{name}}</li>{{/items}}")
    let value: TemplateValue = ["items": .list((0..<100).map { ["name": .string("item \($0)")] })]
    let expected = try template.render(value)
    let results = await withTaskGroup(of: [UInt8]?.self) { group in
      for _ in 0..<16 { group.addTask { try? template.render(value) } }
      var all: [[UInt8]?] = []
      for await result in group { all.append(result) }
      return all
    }
    #expect(results.allSatisfy { $0 == expected })
  }

  @Test(
    "objects of every size find each key, miss others, and keep a repeated key's first place and last value",
    arguments: [1, 5, 12, 13, 40, 64, 65, 300])
  func objectsOfEverySize(count: Int) throws {
    var pairs = (0..<count).map { ("key\($0)", TemplateValue.number(Double($0))) }
    pairs.append(("key0", "last"))
    let object = TemplateObject(pairs)
    #expect(object.count == count)
    #expect(object.keys == (0..<count).map { "key\($0)" })
    #expect(object["key0"] == "last")
    for index in 1..<count { #expect(object["key\(index)"] == .number(Double(index))) }
    #expect(object["key\(count)"] == nil)
    #expect(object["Key1"] == nil)
    let template = "{{key0}} {{key\(count - 1)}}"
    let expected = count == 1 ? "last last" : "last \(count - 1)"
    #expect(try Self.render(template, .object(object)) == expected)
  }

  /// A long list with nested sections, partials, inverted sections and text to escape.
  static func longList(_ count: Int, brokenAt broken: Int? = nil) -> TemplateValue {
    .object(TemplateObject([("rows", rows(count, brokenAt: broken))]))
  }

  static func rows(_ count: Int, brokenAt broken: Int? = nil) -> TemplateValue {
    .list(
      (0..<count).map { index in
        var pairs: [(String, TemplateValue)] = [
          ("name", .string("server <\(index)> & \"ü\"")),
          ("tags", .list((0..<(index % 4)).map { .string("t\($0)") })),
          ("note", index % 3 == 0 ? .null : .string("n\(index)")),
        ]
        if index == broken { pairs.removeFirst() }
        return .object(TemplateObject(pairs))
      })
  }

  static let longListTemplate =
    "<ul>{{#rows}}<li>{{name}}{{#tags}} [{{.}}]{{/tags}}{{^note}} none{{/note}}{{#note}} {{> note}}{{/note}}</li>\n{{/rows}}</ul>"

  /// How a test renders: on one core, with long lists on all cores, or on all cores into a
  /// stream read as it is written.
  enum Mode: CaseIterable {
    case sequential, concurrent, streamed
  }

  static func renderLongList(
    _ value: TemplateValue, _ mode: Mode, maximumSteps: Int = 20_000_000,
    template: String = longListTemplate, partials: [String: String] = ["note": "({{note}})"]
  )
    -> Result<[UInt8], TemplateError>
  {
    Result { () throws(TemplateError) -> [UInt8] in
      let compiled = try Template(template, name: "page.mustache")
      let library = TemplateLibrary(templates: partials)
      let options = RenderOptions(maximumSteps: maximumSteps, concurrentLists: mode != .sequential)
      guard mode == .streamed else {
        return try compiled.render(value, library: library, options: options)
      }
      let stream = ByteStream()
      // Read on another thread while it is written, as the publish gate reads a page.
      let reader = DedicatedThread(name: "reader") { () -> [UInt8] in
        var reader = stream.makeReader()
        var bytes: [UInt8] = []
        while let segment = reader.nextSegment() { bytes += segment }
        return bytes
      }
      do throws(TemplateError) {
        try compiled.render(value, library: library, options: options, to: stream)
      } catch {
        #expect(stream.waitForEnding() == .abandoned)
        _ = reader.wait()
        throw error
      }
      let read = reader.wait()
      #expect(stream.waitForEnding() == .finished)
      #expect(stream.joined() == read)
      return read
    }
  }

  @Test(
    "a long list renders the same bytes on all cores, and into a stream, as on one",
    arguments: [255, 256, 257, 5_003, 20_000])
  func concurrentListsSameBytes(count: Int) throws {
    let value = Self.longList(count)
    let sequential = try Self.renderLongList(value, .sequential).get()
    for mode in [Mode.concurrent, .streamed] {
      #expect(try Self.renderLongList(value, mode).get() == sequential, "\(mode)")
    }
    let text = String(decoding: sequential, as: UTF8.self)
    #expect(text.contains("<li>server &lt;\(count - 1)&gt; &amp; &quot;ü&quot;"))
    #expect(text.components(separatedBy: "</li>").count == count + 1)
  }

  @Test(
    "a few items that hold long lists, and a long list in a re-indented block, render the same bytes every way"
  )
  func nestedAndReindentedLists() throws {
    // Three sites of 4,000 rows: too few to split by site, so split by their rows.
    let sites = TemplateValue.object(
      TemplateObject([
        (
          "sites",
          .list(
            (0..<3).map { site in
              .object(
                TemplateObject([
                  ("site", .string("site \(site)")),
                  ("rows", Self.rows(4_000)),
                ]))
            })
        )
      ]))
    let nested = "{{#sites}}<h2>{{site}}</h2>\n" + Self.longListTemplate + "\n{{/sites}}"
    let sequential = try Self.renderLongList(sites, .sequential, template: nested).get()
    #expect(sequential.count > 3 * 4_000 * 20)
    for mode in [Mode.concurrent, .streamed] {
      #expect(
        try Self.renderLongList(sites, mode, template: nested).get() == sequential, "\(mode)")
    }
    // A block given on its own line in a parent indented by four spaces is re-indented as a
    // whole once rendered: nothing of it may leave for the stream before that.
    let child = "{{<frame}}\n{{$body}}\n" + Self.longListTemplate + "\n{{/body}}\n{{/frame}}"
    let partials = ["note": "({{note}})", "frame": "<div>\n    {{$body}}{{/body}}\n</div>\n"]
    let rows = Self.longList(20_000)
    let whole = try Self.renderLongList(rows, .sequential, template: child, partials: partials)
      .get()
    #expect(String(decoding: whole, as: UTF8.self).contains("\n    <ul><li>server &lt;0&gt;"))
    for mode in [Mode.concurrent, .streamed] {
      #expect(
        try Self.renderLongList(rows, mode, template: child, partials: partials).get() == whole,
        "\(mode)")
    }
  }

  @Test("on all cores, the first error in the list's order is the one reported, as on one")
  func concurrentListsFirstError() throws {
    let value = Self.longList(5_000, brokenAt: 4_321)
    guard case .failure(let sequential) = Self.renderLongList(value, .sequential) else {
      Issue.record("a row without a name rendered")
      return
    }
    #expect(sequential.key == "name")
    for mode in [Mode.concurrent, .streamed] {
      guard case .failure(let error) = Self.renderLongList(value, mode) else {
        Issue.record("a row without a name rendered (\(mode))")
        continue
      }
      #expect(error.description == sequential.description)
    }
  }

  @Test("on all cores, the step budget holds for the list as a whole")
  func concurrentListsStepBudget() throws {
    let value = Self.longList(5_000)
    // Every chunk alone fits in 3,000 steps; the whole list (5,000 items and their tags) does not.
    for mode in Mode.allCases {
      guard case .failure(let error) = Self.renderLongList(value, mode, maximumSteps: 3_000)
      else {
        Issue.record("a 5,000-item list rendered within 3,000 steps (\(mode))")
        continue
      }
      #expect(error.description.contains("more than 3000 sections"))
    }
    #expect(throws: Never.self) {
      try Self.renderLongList(value, .streamed, maximumSteps: 100_000).get()
    }
  }
}
