/// A compiled template: immutable, shareable between tasks, rendered many times.
public struct Template: Sendable {
  let source: TemplateSource
  let nodes: [Node]

  /// The name used in error messages and to find this template as a partial.
  public var name: String { source.name }

  /// Compiles template text. Parsing is linear in the text's size.
  public init(_ text: String, name: String = "template") throws(TemplateError) {
    try self.init(bytes: Array(text.utf8), name: name)
  }

  /// Compiles template bytes (UTF-8).
  public init(bytes: [UInt8], name: String) throws(TemplateError) {
    let source = TemplateSource(name: name, bytes: bytes)
    self.source = source
    self.nodes = try TemplateParser.parse(source)
  }
}

/// How a template is rendered.
public struct RenderOptions: Sendable {
  /// Strict rendering fails on an unknown key, a missing partial, or a value of the wrong kind;
  /// lenient rendering follows the Mustache spec and renders them as nothing.
  public var strict: Bool
  /// How `{{name}}` escapes what it writes (`{{{name}}}` and `{{&name}}` never escape).
  public var escaping: Escaping
  /// How deep partials, parents and sections may nest while rendering.
  public var maximumDepth: Int
  /// How many sections, list items and partials one render may go through. The default is
  /// generous: its purpose is to end runaway nesting, not to ration large pages.
  public var maximumSteps: Int
  /// Whether a section over a long list (256 items or more, counting the items of the lists
  /// they hold) renders its items on all cores.
  /// The bytes are the same either way; only the time differs.
  public var concurrentLists: Bool

  public init(
    strict: Bool = true, escaping: Escaping = .html, maximumDepth: Int = 64,
    maximumSteps: Int = 20_000_000, concurrentLists: Bool = true
  ) {
    self.strict = strict
    self.escaping = escaping
    self.maximumDepth = maximumDepth
    self.maximumSteps = maximumSteps
    self.concurrentLists = concurrentLists
  }

  /// The Mustache spec's behaviour: missing keys and partials render as nothing.
  public static let lenient = RenderOptions(strict: false)
}
