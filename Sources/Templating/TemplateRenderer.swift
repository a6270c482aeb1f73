import Parallelism

extension Template {
  /// Renders this template with `value` as the root context.
  ///
  /// - Parameters:
  ///   - library: where partials and parents are found; without one, naming a partial is an
  ///     error in strict mode and renders nothing in lenient mode.
  public func render(
    _ value: TemplateValue, library: TemplateLibrary? = nil,
    options: RenderOptions = RenderOptions()
  ) throws(TemplateError) -> [UInt8] {
    var renderer = Renderer(library: library, options: options, root: value)
    renderer.output.reserveCapacity(source.bytes.count * 2)
    try renderer.render(nodes, source: source, overrides: [:], depth: 0)
    return renderer.output
  }

  /// Renders this template into `stream`, a segment at a time as the page grows, so that
  /// readers (the publish gate, the file being written) work on the start while the rest is
  /// rendered. The bytes are those `render` returns. The stream is finished on success and
  /// abandoned when rendering fails.
  public func render(
    _ value: TemplateValue, library: TemplateLibrary? = nil,
    options: RenderOptions = RenderOptions(), to stream: ByteStream
  ) throws(TemplateError) {
    var renderer = Renderer(library: library, options: options, root: value)
    renderer.stream = stream
    renderer.output.reserveCapacity(Renderer.segmentBytes)
    do {
      try renderer.render(nodes, source: source, overrides: [:], depth: 0)
    } catch {
      stream.abandon()
      throw error
    }
    renderer.flush()
    stream.finish()
  }

  /// Renders this template to a string.
  public func renderString(
    _ value: TemplateValue, library: TemplateLibrary? = nil,
    options: RenderOptions = RenderOptions()
  ) throws(TemplateError) -> String {
    String(decoding: try render(value, library: library, options: options), as: UTF8.self)
  }
}

/// Block content in force while a parent renders, with where it was written.
struct ActiveOverride {
  var override: BlockOverride
  var source: TemplateSource
}

struct Renderer {
  let library: TemplateLibrary?
  let options: RenderOptions
  var stack: [TemplateValue]
  var output: [UInt8] = []
  /// Sections entered, list items and partials rendered so far, against
  /// `options.maximumSteps`.
  private var steps = 0
  /// Set in a renderer that renders one chunk of a long list: chunks never split again, so the
  /// threads stay as many as the cores.
  private var inChunk = false
  /// Where finished output goes, a segment at a time, when rendering to a stream.
  fileprivate(set) var stream: ByteStream?
  /// Output that must stay in `output` (a block being re-indented reads it back): nothing is
  /// handed to the stream while it is above zero.
  private var held = 0
  /// The partials found most recently, newest last (see `resolve`).
  private var recentPartials: [(name: String, indentation: String, template: Template)] = []
  static let recentPartialsKept = 8
  /// About how large a segment handed to the stream is.
  static let segmentBytes = 256 * 1024

  init(library: TemplateLibrary?, options: RenderOptions, root: TemplateValue) {
    self.library = library
    self.options = options
    self.stack = [root]
  }

  mutating func render(
    _ nodes: [Node], source: TemplateSource, overrides: [String: ActiveOverride], depth: Int
  ) throws(TemplateError) {
    // A segment is handed on between nodes that hold others (a section, a list's item, a
    // partial): often enough for a page, and no test on every text or variable.
    if stream != nil, held == 0, output.count >= Self.segmentBytes { flush() }
    for node in nodes {
      switch node {
      case .text(let bytes):
        output.append(contentsOf: bytes)
      case .variable(let name, let escaped, let location):
        guard let value = try lookUp(name, source: source, at: location) else { continue }
        switch value {
        case .string(let text):
          if escaped {
            options.escaping.append(text, to: &output)
          } else {
            output.append(contentsOf: text.utf8)
          }
          continue
        case .number(let number) where number.rounded() == number && abs(number) < 9.0e15:
          Self.appendInteger(Int64(number), to: &output)
          continue
        default: break
        }
        guard let text = value.interpolatedText else {
          if options.strict {
            throw TemplateError(
              source: source, at: location, key: name.text,
              message:
                "'\(name.text)' is \(value.kindName), which cannot be written as text; use a section"
            )
          }
          continue
        }
        if escaped {
          options.escaping.append(text, to: &output)
        } else {
          output.append(contentsOf: text.utf8)
        }
      case .section(let name, let children, let inverted, let location):
        try checkDepth(depth, source: source, at: location, name: name.text)
        let value = try lookUp(name, source: source, at: location) ?? .null
        if inverted {
          if !value.isTruthy {
            try render(children, source: source, overrides: overrides, depth: depth + 1)
          }
          continue
        }
        switch value {
        case .list(let items):
          if options.concurrentLists, !inChunk, items.count >= Self.fewestItemsToSplit,
            Self.weight(of: items) >= ConcurrentChunks.threshold
          {
            try renderConcurrently(
              items, children, source: source, overrides: overrides, depth: depth,
              at: location, name: name.text)
            continue
          }
          for item in items {
            try countStep(source: source, at: location, name: name.text)
            stack.append(item)
            try render(children, source: source, overrides: overrides, depth: depth + 1)
            stack.removeLast()
          }
        case .number:
          // A number is always "truthy" (even 0), so a section over one is almost always a
          // mistake for a boolean or a list.
          if options.strict {
            throw TemplateError(
              source: source, at: location, key: name.text,
              message:
                "section '\(name.text)' is over \(value.kindName); sections take a boolean, a string, a list or an object"
            )
          }
          fallthrough
        default:
          guard value.isTruthy else { continue }
          stack.append(value)
          try render(children, source: source, overrides: overrides, depth: depth + 1)
          stack.removeLast()
        }
      case .partial(let reference, let indentation, let location):
        try checkDepth(depth, source: source, at: location, name: "partial")
        guard
          let template = try resolve(
            reference, indentation: indentation, source: source, at: location)
        else { continue }
        try render(template.nodes, source: template.source, overrides: overrides, depth: depth + 1)
      case .parent(let reference, let indentation, let blocks, let location):
        try checkDepth(depth, source: source, at: location, name: "parent")
        guard
          let template = try resolve(
            reference, indentation: indentation, source: source, at: location)
        else { continue }
        // Content given further out wins over content given here.
        var inner = overrides
        for block in blocks where inner[block.name] == nil {
          inner[block.name] = ActiveOverride(override: block, source: source)
        }
        try render(template.nodes, source: template.source, overrides: inner, depth: depth + 1)
      case .block(let name, let defaultNodes, let indentation, let location):
        try checkDepth(depth, source: source, at: location, name: name)
        guard let active = overrides[name] else {
          try render(defaultNodes, source: source, overrides: overrides, depth: depth + 1)
          continue
        }
        let from = active.override.indentation
        if from == nil && indentation == nil {
          try render(
            active.override.nodes, source: active.source, overrides: overrides, depth: depth + 1)
          continue
        }
        let start = output.count
        held += 1
        try render(
          active.override.nodes, source: active.source, overrides: overrides, depth: depth + 1)
        held -= 1
        let written = Array(output[start...])
        output.removeSubrange(start...)
        Self.reindent(written, from: from ?? "", to: indentation ?? "", into: &output)
      }
    }
  }

  /// Hands what is rendered so far to the stream.
  mutating func flush() {
    guard let stream, !output.isEmpty else { return }
    stream.write(output)
    output = []
    output.reserveCapacity(Self.segmentBytes * 2)
  }

  /// Writes a whole number's decimal digits without making a string first.
  static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
    if value < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      while count > 0 {
        count -= 1
        output.append(buffer[count])
      }
    }
  }

  /// Moves block content from the indentation it was written with to that of its place.
  private static func reindent(
    _ bytes: [UInt8], from old: String, to new: String, into output: inout [UInt8]
  ) {
    let oldPrefix = Array(old.utf8)
    let newPrefix = Array(new.utf8)
    var lineStart = 0
    while lineStart < bytes.count {
      var lineEnd = lineStart
      while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      if lineEnd < bytes.count { lineEnd += 1 }
      var contentStart = lineStart
      if bytes[lineStart..<lineEnd].starts(with: oldPrefix) { contentStart += oldPrefix.count }
      output.append(contentsOf: newPrefix)
      output.append(contentsOf: bytes[contentStart..<lineEnd])
      lineStart = lineEnd
    }
  }

  /// `name` is made only for an error: a section's dotted name would otherwise be joined
  /// again for every item of every list.
  private mutating func checkDepth(
    _ depth: Int, source: TemplateSource, at location: SourceLocation,
    name: @autoclosure () -> String
  )
    throws(TemplateError)
  {
    try countStep(source: source, at: location, name: name())
    if depth >= options.maximumDepth {
      throw TemplateError(
        source: source, at: location, key: name(),
        message:
          "templates nest more than \(options.maximumDepth) deep here (a partial that includes itself?)"
      )
    }
  }

  /// A section's items rendered in chunks on all cores, each chunk by its own renderer from the
  /// same context, then joined in order (or handed to the stream in order as they are done):
  /// the same bytes, the same first error, and the same step budget as one renderer going
  /// through them.
  private mutating func renderConcurrently(
    _ items: [TemplateValue], _ children: [Node], source: TemplateSource,
    overrides: [String: ActiveOverride], depth: Int, at location: SourceLocation, name: String
  ) throws(TemplateError) {
    var start = self
    start.output = []
    start.inChunk = true
    start.stream = nil
    let base = start
    let renderChunk:
      @Sendable (Range<Int>) -> Result<(output: [UInt8], steps: Int), TemplateError> =
        { range in
          var worker = base
          do throws(TemplateError) {
            for index in range {
              try worker.countStep(source: source, at: location, name: name)
              worker.stack.append(items[index])
              try worker.render(children, source: source, overrides: overrides, depth: depth + 1)
              worker.stack.removeLast()
              // Room for the chunk, by its first item: growing from empty copies it a dozen
              // times over.
              if index == range.lowerBound {
                worker.output.reserveCapacity(worker.output.count * (range.count + range.count / 4))
              }
            }
          } catch {
            return .failure(error)
          }
          return .success((worker.output, worker.steps - base.steps))
        }
    // Each chunk counted against the whole budget from where the list began; together they
    // must fit it too.
    func addSteps(_ count: Int) throws(TemplateError) {
      steps += count
      if steps > options.maximumSteps {
        throw TemplateError(
          source: source, at: location, key: name,
          message: Self.stepBudgetMessage(options.maximumSteps))
      }
    }
    if let stream, held == 0 {
      // Each chunk goes to the stream as soon as it and those before it are done.
      flush()
      var failure: TemplateError?
      ConcurrentChunks.forEachInOrder(count: items.count, renderChunk) { chunk in
        do throws(TemplateError) {
          let part = try chunk.get()
          try addSteps(part.steps)
          stream.write(part.output)
          return true
        } catch {
          failure = error
          return false
        }
      }
      if let failure { throw failure }
      return
    }
    var chunks = ConcurrentChunks.map(count: items.count, renderChunk)
    var total = 0
    for chunk in chunks {
      if case .success(let part) = chunk { total += part.output.count }
    }
    output.reserveCapacity(output.count + total)
    for index in chunks.indices {
      let chunk = chunks[index]
      // Let go of each chunk once copied: a page's chunks are most of the page.
      chunks[index] = .success(([], 0))
      let part = try chunk.get()
      try addSteps(part.steps)
      output.append(contentsOf: part.output)
    }
  }

  /// A list of fewer items is not split itself, though the lists its items hold may be: one
  /// site of 25,000 relationships is split by its relationships, not as one chunk.
  static let fewestItemsToSplit = 16

  /// About how much rendering a list is: its items, and the items of the lists each holds. A
  /// page's 20 sites of 250 relationships each are worth splitting; 20 field labels are not.
  static func weight(of items: [TemplateValue]) -> Int {
    var weight = items.count
    for item in items {
      guard case .object(let object) = item else { continue }
      for value in object.values {
        if case .list(let inner) = value { weight += inner.count }
      }
      if weight >= ConcurrentChunks.threshold { break }
    }
    return weight
  }

  private static func stepBudgetMessage(_ maximum: Int) -> String {
    "rendering took more than \(maximum) sections, list items and partials (sections over lists nested too deep?)"
  }

  /// Sections nested in sections over lists multiply: a dozen levels over three items is half
  /// a million renders. A budget stops that with an error instead of a hang.
  private mutating func countStep(
    source: TemplateSource, at location: SourceLocation, name: @autoclosure () -> String
  ) throws(TemplateError) {
    steps += 1
    if steps > options.maximumSteps {
      throw TemplateError(
        source: source, at: location, key: name(),
        message: Self.stepBudgetMessage(options.maximumSteps))
    }
  }

  private mutating func resolve(
    _ reference: TemplateReference, indentation: String, source: TemplateSource,
    at location: SourceLocation
  ) throws(TemplateError) -> Template? {
    let name: String
    switch reference {
    case .fixed(let fixed):
      name = fixed
    case .dynamic(let dynamicName):
      guard let value = try lookUp(dynamicName, source: source, at: location) else { return nil }
      guard case .string(let text) = value else {
        if options.strict {
          throw TemplateError(
            source: source, at: location, key: dynamicName.text,
            message:
              "'\(dynamicName.text)' names a partial, so it must be a string, but it is \(value.kindName)"
          )
        }
        return nil
      }
      name = text
    }
    // A partial in a list's row is asked for once per row: the last few found are kept here,
    // compared as strings (equal names from one template share storage), so a row costs no
    // lock and no hash.
    for recent in recentPartials where recent.name == name && recent.indentation == indentation {
      return recent.template
    }
    if let template = try library?.template(named: name, indentation: indentation) {
      if recentPartials.count == Self.recentPartialsKept { recentPartials.removeFirst() }
      recentPartials.append((name, indentation, template))
      return template
    }
    if options.strict {
      throw TemplateError(
        source: source, at: location, key: name, message: "no partial named '\(name)'")
    }
    return nil
  }

  /// Finds a name: its first part through the context stack, innermost first; its other parts
  /// inside what the first found. Nil when lenient and not found.
  private func lookUp(_ name: Name, source: TemplateSource, at location: SourceLocation)
    throws(TemplateError) -> TemplateValue?
  {
    guard case .path(let parts) = name else { return stack.last }
    var found: TemplateValue?
    let first = parts[0]
    var level = stack.count - 1
    while level >= 0 {
      if case .object(let object) = stack[level],
        let value = object.value(forKey: first.key, signature: first.signature)
      {
        found = value
        break
      }
      level -= 1
    }
    var current = found
    var index = 1
    while index < parts.count, let value = current {
      let part = parts[index]
      if case .object(let object) = value {
        current = object.value(forKey: part.key, signature: part.signature)
      } else {
        current = nil
      }
      index += 1
    }
    if current == nil, options.strict {
      throw TemplateError(
        source: source, at: location, key: name.text,
        message: "unknown key '\(name.text)'")
    }
    return current
  }
}
