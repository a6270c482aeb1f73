import Assessment
import Foundation
import Publishing
import Report
import Snapshot
import Validation

extension ReportJob {
  /// Archives the run, prunes old days, and writes the index pages of the months that changed
  /// and the archive's top index, each through the gate.
  func writeArchive(
    _ store: Archive, page: () -> [UInt8], snapshot: [UInt8], assessment: Assessment,
    renderer: PageRenderer
  ) throws {
    let run = try store.store(
      page: page, snapshot: snapshot, summary: assessment.runSummary,
      severity: assessment.severity.rawValue, headline: assessment.headline,
      copyInterval: settings.archiveIntervalSeconds)
    if !run.keptCopy {
      logger.info(
        "archived the run's summary only: nothing changed since the copy kept",
        metadata: ["copy": "\(run.page)"])
    }
    var changed = [run.month]
    if let days = settings.keepDays {
      let (removed, months) = try store.prune(keepDays: days, now: assessment.assessedAt)
      if removed > 0 {
        logger.info("archive pruned", metadata: ["days": "\(removed)", "keep-days": "\(days)"])
      }
      changed += months
    }
    let generator = Release.generator
    func listed(_ run: Archive.Run, under prefix: String) -> ArchivedRun {
      ArchivedRun(
        iso: run.time, severity: run.severity, headline: run.headline,
        page: String(run.page.dropFirst(prefix.count)),
        snapshot: String(run.snapshot.dropFirst(prefix.count)),
        copyOf: run.keptCopy ? nil : Archive.Run.time(ofCopy: run.page))
    }
    // The months whose pages are written now; the newest one's runs also head the top index.
    var listedRuns: [String: [Archive.Run]] = [:]
    for month in Set(changed).sorted() {
      let runs = store.runs(in: month)
      listedRuns[month] = runs
      let path = "\(store.folder)/\(month)/index.html"
      guard !runs.isEmpty else {
        try? FileManager.default.removeItem(atPath: path)
        continue
      }
      let monthPage = try renderer.renderArchiveMonth(
        month, runs: runs.map { listed($0, under: month + "/") }, generator: generator,
        keepDays: settings.keepDays)
      try writeArchivePage(
        monthPage, to: path, name: "archive \(month)/index.html", renderer: renderer)
    }
    let months = store.months()
    var summaries: [ArchivedMonth] = []
    for month in months {
      let (count, latest) = store.tally(of: month)
      guard let latest else { continue }
      summaries.append(
        ArchivedMonth(name: month, runCount: count, latest: listed(latest, under: "")))
    }
    let newest =
      months.last.map { (listedRuns[$0] ?? store.runs(in: $0)).suffix(Self.latestRunsListed) }
      ?? []
    let index = try renderer.renderArchiveIndex(
      months: summaries, latest: newest.map { listed($0, under: "") }, generator: generator,
      keepDays: settings.keepDays)
    try writeArchivePage(
      index, to: store.folder + "/index.html", name: "archive index.html", renderer: renderer)
  }

  /// How many of the newest runs the archive's top index lists itself.
  static let latestRunsListed = 24

  /// An archive page passes the gate, schema included (links to the files beside it
  /// allowed), or is not written.
  func writeArchivePage(
    _ bytes: [UInt8], to path: String, name: String, renderer: PageRenderer
  ) throws {
    let problems = PageValidator(
      schema: renderer.assets.templates["schema.rng"], allowsRelativeLinks: true
    ).validate(bytes, name: name)
    guard problems.isEmpty else {
      throw PublishError.io(
        "\(name) failed validation (\(problems.first?.message ?? "")); it was not written", 0)
    }
    try AtomicFile.write(bytes, to: path)
  }
}
