import Foundation
import Templating

/// One run in the archive's index page.
public struct ArchivedRun: Sendable, Equatable {
  /// The snapshot time, ISO 8601 UTC.
  public var iso: String
  public var severity: String
  public var headline: String
  /// Paths relative to the archive folder.
  public var page: String
  public var snapshot: String

  public init(iso: String, severity: String, headline: String, page: String, snapshot: String) {
    self.iso = iso
    self.severity = severity
    self.headline = headline
    self.page = page
    self.snapshot = snapshot
  }
}

extension PageRenderer {
  /// The archive's `index.html`: every archived run, newest first, linking its page and
  /// snapshot. Self-contained like the status page, with no script.
  public func renderArchiveIndex(_ runs: [ArchivedRun], generator: String, keepDays: Int?)
    throws -> [UInt8]
  {
    var root = TemplateObject()
    root["generator"] = .string(generator)
    root["csp"] = .string(Self.contentSecurityPolicy(scripts: []))
    root["css"] = .string(try assets.text(public: "style.css"))
    root["count"] = .number(Double(runs.count))
    root["keepDays"] = keepDays.map { .string(String($0)) } ?? .null
    root["runs"] = .list(
      runs.reversed().map { run in
        .object(
          TemplateObject([
            ("iso", .string(run.iso)),
            (
              "text",
              .string(
                run.iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(
                  of: "Z", with: ""))
            ),
            ("severity", .string(run.severity)), ("label", .string(run.severity.uppercased())),
            ("headline", .string(run.headline)), ("page", .string(run.page)),
            ("snapshot", .string(run.snapshot)),
          ]))
      })
    return try library.render("archive", .object(root))
  }
}
