import Parallelism
import Synchronization

/// A set of templates that can name each other as partials and parents.
///
/// Templates come from a fixed table, a loader (for example a folder read on demand), or
/// both. Each is compiled once; a partial used on an indented standalone line is compiled
/// once more with that indentation, as the spec defines indentation on the template's text.
public final class TemplateLibrary: Sendable {
  /// Finds the text of a template by name, or nil when there is none.
  public typealias Loader = @Sendable (String) -> String?

  private let loader: Loader
  private let compiled = Mutex<[String: Template]>([:])

  /// A library over a fixed table of template texts.
  public convenience init(templates: [String: String]) {
    self.init { templates[$0] }
  }

  /// A library whose templates are read by `loader`, at most once each.
  public init(loader: @escaping Loader) {
    self.loader = loader
  }

  /// The compiled template `name`, or nil when the loader has no such template.
  public func template(named name: String) throws(TemplateError) -> Template? {
    try template(named: name, indentation: "")
  }

  func template(named name: String, indentation: String) throws(TemplateError) -> Template? {
    let key = indentation.isEmpty ? name : name + "\u{0}" + indentation
    if let cached = compiled.withLock({ $0[key] }) { return cached }
    guard let text = loader(name) else { return nil }
    let template = try Template(
      bytes: Self.indent(Array(text.utf8), with: indentation), name: name)
    compiled.withLock { $0[key] = template }
    return template
  }

  /// Renders template `name` with `value` as the root context.
  public func render(
    _ name: String, _ value: TemplateValue, options: RenderOptions = RenderOptions()
  ) throws(TemplateError) -> [UInt8] {
    try existing(name).render(value, library: self, options: options)
  }

  /// Renders template `name` with `value` as the root context into `stream`, a segment at a
  /// time (see `Template.render(_:library:options:to:)`); the stream is abandoned if the
  /// template is missing or fails.
  public func render(
    _ name: String, _ value: TemplateValue, options: RenderOptions = RenderOptions(),
    to stream: ByteStream
  ) throws(TemplateError) {
    let template: Template
    do {
      template = try existing(name)
    } catch {
      stream.abandon()
      throw error
    }
    try template.render(value, library: self, options: options, to: stream)
  }

  private func existing(_ name: String) throws(TemplateError) -> Template {
    guard let template = try template(named: name) else {
      throw TemplateError(
        template: name, line: 0, column: 0, lineText: "", key: name,
        message: "no template named '\(name)'")
    }
    return template
  }

  /// Prefixes every line of `bytes` with `indentation`, leaving an empty last line alone.
  private static func indent(_ bytes: [UInt8], with indentation: String) -> [UInt8] {
    guard !indentation.isEmpty, !bytes.isEmpty else { return bytes }
    let prefix = Array(indentation.utf8)
    var result = prefix
    result.reserveCapacity(bytes.count + prefix.count * 8)
    for (index, byte) in bytes.enumerated() {
      result.append(byte)
      if byte == 0x0A, index + 1 < bytes.count { result.append(contentsOf: prefix) }
    }
    return result
  }
}
