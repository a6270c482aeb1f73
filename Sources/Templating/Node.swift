/// A name as written in a tag, split at parse time so rendering never looks at dots.
enum Name: Sendable {
  /// `{{.}}`: the current context itself.
  case implicit
  /// `{{a.b.c}}`: the first part is looked up through the context stack, the rest inside it.
  case path([NamePart])

  init(parsing text: Substring) {
    if text == "." {
      self = .implicit
    } else {
      self = .path(
        text.split(separator: ".", omittingEmptySubsequences: false).map { part in
          NamePart(key: String(part), signature: KeySignature.of(String(part)))
        })
    }
  }

  var text: String {
    switch self {
    case .implicit: return "."
    case .path(let parts): return parts.map(\.key).joined(separator: ".")
    }
  }
}

/// One part of a dotted name, with its key signature worked out at parse time.
struct NamePart: Sendable {
  var key: String
  var signature: UInt64
}

/// The name of a partial or parent: fixed, or dynamic (`{{>*name}}`), read from the data.
enum TemplateReference: Sendable {
  case fixed(String)
  case dynamic(Name)
}

/// One piece of a compiled template.
indirect enum Node: Sendable {
  case text([UInt8])
  case variable(Name, escaped: Bool, SourceLocation)
  case section(Name, [Node], inverted: Bool, SourceLocation)
  case partial(TemplateReference, indentation: String, SourceLocation)
  case parent(TemplateReference, indentation: String, blocks: [BlockOverride], SourceLocation)
  /// A block; `indentation` is set when it stands on its own line, so content given for it
  /// elsewhere can be re-indented to its place.
  case block(String, [Node], indentation: String?, SourceLocation)
}

/// A block's content given inside a parent tag, which replaces the parent's own default.
struct BlockOverride: Sendable {
  var name: String
  var nodes: [Node]
  /// The indentation the content was written with, removed before it is re-indented.
  var indentation: String?
}
