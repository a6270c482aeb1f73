import Assessment
import Crypto
import Foundation
import Parallelism
import Snapshot
import Templating

/// Renders the status page: `Templates/page.mustache` with its partials, `Public/` inlined,
/// a Content-Security-Policy that allows nothing but the page's own script (by hash), and the
/// redacted snapshot embedded as JSON.
public struct PageRenderer: Sendable {
  public let assets: Assets
  /// Compiled once; internal so the archive index (its own file) renders with it too.
  let library: TemplateLibrary
  private let help: HelpCatalog
  /// The most relationships a page shows each with its full field table. Past it, the
  /// relationships judged OK get one line each (problems keep every field): a page of
  /// thousands of healthy tables is tens of megabytes that no browser or mailbox handles well
  /// and no operator reads, and each element costs the publish gate. The embedded snapshot
  /// keeps every field either way.
  public var detailLimit: Int

  /// The default `detailLimit`: 200 relationships, about 400 servers.
  public static let defaultDetailLimit = 200

  public init(assets: Assets, detailLimit: Int = PageRenderer.defaultDetailLimit) throws {
    self.assets = assets
    self.detailLimit = detailLimit
    self.library = assets.library()
    self.help = try HelpCatalog(json: try assets.text(template: "help.json"))
  }

  /// The page's bytes. The same snapshot and assessment always give the same bytes.
  public func render(_ assessment: Assessment, snapshot: Snapshot) throws -> [UInt8] {
    try render(assessment, embedding: EmbeddedSnapshot(json: snapshot.encodedJSON()))
  }

  /// The page, with the snapshot already encoded as `snapshot.json` holds it (so a run that
  /// also writes that file encodes a large snapshot once).
  public func render(_ assessment: Assessment, snapshotJSON: [UInt8]) throws -> [UInt8] {
    try render(assessment, embedding: EmbeddedSnapshot(json: snapshotJSON))
  }

  /// The page, with the snapshot already made ready to embed.
  public func render(_ assessment: Assessment, embedding snapshot: EmbeddedSnapshot) throws
    -> [UInt8]
  {
    try library.render("page", pageValue(assessment, embedding: snapshot))
  }

  /// The page rendered into `stream` a segment at a time, for the publish gate and the file
  /// being written to work on while the rest is rendered: the same bytes as
  /// `render(_:embedding:)`. The stream is finished, or abandoned if rendering fails.
  public func render(
    _ assessment: Assessment, embedding snapshot: EmbeddedSnapshot, to stream: ByteStream
  ) throws {
    let value: TemplateValue
    do {
      value = try pageValue(assessment, embedding: snapshot)
    } catch {
      stream.abandon()
      throw error
    }
    try library.render("page", value, to: stream)
  }

  private func pageValue(_ assessment: Assessment, embedding snapshot: EmbeddedSnapshot) throws
    -> TemplateValue
  {
    var root = PageView(assessment: assessment, help: help, detailLimit: detailLimit).value()
    root["css"] = .string(try assets.text(public: "style.css") + Self.fieldHelpRules(help))
    // The page has no script: its filter is CSS, and nothing else needs one.
    root["csp"] = .string(Self.contentSecurityPolicy(scripts: []))
    root["snapshotParts"] = .list(
      snapshot.parts.enumerated().map { index, part in
        .object(
          TemplateObject([
            ("id", .string(index == 0 ? "snapshot" : "snapshot-\(index + 1)")),
            ("json", .string(part)),
          ]))
      })
    root["snapshotPartCount"] =
      snapshot.parts.count > 1 ? .string(String(snapshot.parts.count)) : .null
    return .object(root)
  }

  /// One rule per field, `.f-role{--help:"…"}`: each field's help written once, for every
  /// label of the field to show on hover or focus. The text is a CSS string: quotes and
  /// backslashes escaped, and `<` too, so nothing in it can end the style element.
  static func fieldHelpRules(_ help: HelpCatalog) -> String {
    var rules = "\n"
    for case .object(let field) in help.fieldList {
      guard case .string(let key)? = field["key"], case .string(let text)? = field["help"] else {
        continue
      }
      var escaped = ""
      for character in text.unicodeScalars {
        switch character {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "<": escaped += "\\3C "
        case "\n", "\r": escaped += " "
        default: escaped.unicodeScalars.append(character)
        }
      }
      rules += ".f-\(key){--help:\"\(escaped)\"}\n"
    }
    return rules
  }

  /// The largest text node a page holds. libxml2 refuses a text node over 10,000,000 bytes
  /// unless told `--huge`, and other tools have limits of their own; the embedded snapshot of a
  /// large fleet is split over several script elements to stay well under them.
  public static let maximumTextNodeBytes = 1_000_000

  /// The email's HTML part: verdict, counts and one row per relationship (past
  /// `detailLimit` relationships, one per problem and a count of the healthy ones), styled for
  /// mail clients, with no script; and how the full page travels with it.
  public func renderEmail(_ assessment: Assessment, page: EmailPage) throws -> [UInt8] {
    var root = PageView(assessment: assessment, help: help, detailLimit: detailLimit)
      .emailValue()
    root["css"] = .string(try assets.text(public: "email.css"))
    root["csp"] = .string(Self.contentSecurityPolicy(scripts: []))
    // The templates are strict: each key is set, to null when it does not apply.
    root["attached"] = .null
    root["withheld"] = .null
    switch page {
    case .attached(let name):
      root["attached"] = .object(TemplateObject([("name", .string(name))]))
    case .withheld(_, _, let path, let digest):
      root["withheld"] = .object(
        TemplateObject([
          ("reason", .string(page.withheldReason ?? "")), ("path", .string(path)),
          ("digest", .string(digest)),
        ]))
    }
    return try library.render("email", .object(root))
  }

  /// A policy that forbids every network load; inline styles are allowed (they cannot load
  /// anything under `default-src 'none'`) and scripts only by their SHA-256.
  public static func contentSecurityPolicy(scripts: [String]) -> String {
    let hashes = scripts.map {
      "'sha256-" + Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString() + "'"
    }
    let scriptSource = hashes.isEmpty ? "'none'" : hashes.joined(separator: " ")
    return
      "default-src 'none'; style-src 'unsafe-inline'; script-src \(scriptSource); img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
  }
}
