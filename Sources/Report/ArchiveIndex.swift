import Foundation
import Templating

/// One run in an archive index page.
public struct ArchivedRun: Sendable, Equatable {
  /// The snapshot time, ISO 8601 UTC.
  public var iso: String
  public var severity: String
  public var headline: String
  /// Paths relative to the page that lists the run.
  public var page: String
  public var snapshot: String
  /// For a run whose page was not kept (nothing changed): the time of the copy it links to.
  public var copyOf: String?

  public init(
    iso: String, severity: String, headline: String, page: String, snapshot: String,
    copyOf: String? = nil
  ) {
    self.iso = iso
    self.severity = severity
    self.headline = headline
    self.page = page
    self.snapshot = snapshot
    self.copyOf = copyOf
  }
}

/// One month in the archive's top index.
public struct ArchivedMonth: Sendable, Equatable {
  /// `YYYY/MM`.
  public var name: String
  public var runCount: Int
  /// Its newest run.
  public var latest: ArchivedRun

  public init(name: String, runCount: Int, latest: ArchivedRun) {
    self.name = name
    self.runCount = runCount
    self.latest = latest
  }
}

extension PageRenderer {
  /// The archive's top `index.html`: one line per month linking the month's page, then the
  /// latest runs. Self-contained like the status page, with no script.
  public func renderArchiveIndex(
    months: [ArchivedMonth], latest: [ArchivedRun], generator: String, keepDays: Int?
  ) throws -> [UInt8] {
    var root = try archiveRoot(
      title: "archive", heading: "Archived status pages", runs: latest, generator: generator,
      keepDays: keepDays)
    root["count"] = .number(Double(months.reduce(0) { $0 + $1.runCount }))
    root["hasMonths"] = .bool(!months.isEmpty)
    root["months"] = .list(
      months.reversed().map { month in
        .object(
          TemplateObject([
            ("name", .string(month.name)), ("page", .string("\(month.name)/index.html")),
            ("count", .string(String(month.runCount))),
            ("severity", .string(month.latest.severity)),
            ("label", .string(month.latest.severity.uppercased())),
            ("headline", .string(month.latest.headline)),
          ]))
      })
    return try library.render("archive", .object(root))
  }

  /// A month's `YYYY/MM/index.html`: every run of the month, newest first, linking its page
  /// and snapshot (paths relative to the month's folder).
  public func renderArchiveMonth(
    _ month: String, runs: [ArchivedRun], generator: String, keepDays: Int?
  ) throws -> [UInt8] {
    var root = try archiveRoot(
      title: "archive \(month)", heading: "Archived status pages of \(month)", runs: runs,
      generator: generator, keepDays: keepDays)
    root["up"] = .string("../../index.html")
    return try library.render("archive", .object(root))
  }

  private func archiveRoot(
    title: String, heading: String, runs: [ArchivedRun], generator: String, keepDays: Int?
  ) throws -> TemplateObject {
    var root = TemplateObject()
    root["generator"] = .string(generator)
    root["title"] = .string(title)
    root["heading"] = .string(heading)
    root["csp"] = .string(Self.contentSecurityPolicy(scripts: []))
    root["css"] = .string(try assets.text(public: "style.css"))
    root["count"] = .number(Double(runs.count))
    root["keepDays"] = keepDays.map { .string(String($0)) } ?? .null
    root["up"] = .null
    root["hasMonths"] = .bool(false)
    root["months"] = .list([])
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
            (
              "copyOf",
              run.copyOf.map {
                .string(
                  $0.replacingOccurrences(of: "T", with: " ").replacingOccurrences(
                    of: "Z", with: ""))
              } ?? .null
            ),
          ]))
      })
    return root
  }
}
