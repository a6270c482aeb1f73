import Assessment
import Foundation
import Parallelism
import Snapshot
import Templating

/// What the archive adds to the page: what changed since the last run, and each
/// relationship's timeline.
extension PageView {
  /// "What changed since the last run", or null without an archive.
  func changes() -> TemplateValue {
    guard let previous = assessment.previousRunAt else { return .null }
    let entries: [TemplateValue] = assessment.changes.map { change in
      var text: String
      switch (change.before, change.after) {
      case (let before?, let after?):
        text =
          before.severity == after.severity
          ? after.severity.rawValue.uppercased()
          : "\(before.severity.rawValue.uppercased()) → \(after.severity.rawValue.uppercased())"
        if before.states != after.states { text += " · \(before.states) → \(after.states)" }
      case (nil, let after?):
        text = "new since the last run · \(after.severity.rawValue.uppercased()) · \(after.states)"
      case (let before?, nil):
        text =
          "no longer reported (was \(before.severity.rawValue.uppercased()) · \(before.states))"
      case (nil, nil):
        text = ""
      }
      let severity = change.after?.severity ?? change.before?.severity ?? .unknown
      return .object(
        TemplateObject([
          ("name", .string(change.name)), ("link", optional(change.id)),
          ("severity", badge(severity)), ("text", .string(text)),
        ]))
    }
    return .object(
      TemplateObject([
        ("previousRun", time(previous)), ("entries", .list(entries)),
        ("nothingChanged", .bool(entries.isEmpty)),
      ]))
  }

  /// The last 24 hours as 48 half-hour slots, and the share of time in each severity over
  /// 24 hours, 7 days and 30 days; null when no earlier run saw the relationship.
  func timeline(_ relationship: RelationshipAssessment) -> TemplateValue {
    guard !relationship.history.isEmpty else { return .null }
    let timeline = SeverityTimeline(
      records: relationship.history + [
        RelationshipRecord(
          name: relationship.name, at: assessment.assessedAt, severity: relationship.severity,
          states: "")
      ], now: assessment.assessedAt)
    let segments: [TemplateValue] = timeline.segments(inLast: 86_400, slots: 48).map { segment in
      .object(
        TemplateObject([
          ("severity", .string(segment.severity?.rawValue ?? "none")),
          ("slots", .number(Double(segment.slots))),
        ]))
    }
    // Shares are given only for the windows the history covers; the first it does not cover
    // is given for what it does cover, never as if minutes were 30 days.
    let first = relationship.history.first?.at ?? assessment.assessedAt
    let span = max(0, Int(assessment.assessedAt.timeIntervalSince(first)))
    var windows: [(String, TimeInterval)] = []
    for (label, window) in [("24 h", 86_400.0), ("7 d", 604_800.0), ("30 d", 2_592_000.0)] {
      if Double(span) >= window * 0.95 {
        windows.append((label, window))
      } else {
        windows.append((Self.duration(span), Double(span)))
        break
      }
    }
    let shares: [TemplateValue] = windows.map { label, window in
      let (bySeverity, covered) = timeline.time(inLast: window)
      let parts =
        covered <= 0
        ? ["no data"]
        : Severity.allCases.sorted(by: >).compactMap { severity -> String? in
          guard let seconds = bySeverity[severity], seconds > 0 else { return nil }
          let percent = seconds / covered * 100
          let shown = percent < 1 ? "<1" : String(Int(percent.rounded()))
          return "\(shown) % \(severity.rawValue)"
        }
      return .object(
        TemplateObject([
          ("window", .string(label)), ("text", .string(parts.joined(separator: ", "))),
        ])
      )
    }
    let runs = relationship.history.count + 1
    return .object(
      TemplateObject([
        ("segments", .list(segments)), ("shares", .list(shares)),
        ("coverage", .string("from \(runs) runs over \(Self.duration(span))")),
      ]))
  }
}
