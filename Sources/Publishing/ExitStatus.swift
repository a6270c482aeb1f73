import Assessment
import Snapshot

/// The process's exit code, by the Nagios plugin convention.
public enum ExitStatus: Int32, Sendable {
  /// Every relationship is healthy.
  case ok = 0
  /// At least one relationship needs attention.
  case warning = 1
  /// At least one relationship has lost redundancy or is broken.
  case critical = 2
  /// The job could not do its work: bad input, a template or validation failure, nothing
  /// reachable.
  case unknown = 3

  public init(_ assessment: Assessment) {
    if assessment.nothingReachable {
      self = .unknown
      return
    }
    switch assessment.severity {
    case .ok: self = .ok
    case .warning, .unknown: self = .warning
    case .critical: self = .critical
    }
  }

  /// The code of a run that published its page but not everything it was asked to: unknown
  /// (the job did not do all its work), unless the verdict is critical, which no monitoring
  /// system may miss.
  public var withUnfinishedWork: ExitStatus { self == .critical ? .critical : .unknown }

  public var label: String {
    switch self {
    case .ok: return "OK"
    case .warning: return "WARNING"
    case .critical: return "CRITICAL"
    case .unknown: return "UNKNOWN"
    }
  }
}

/// The one line a monitoring system reads on stdout, with performance data.
public enum StatusLine {
  /// Appliance-given text as it may appear in the line: one line, no `|` (it starts the
  /// performance data), at most 60 characters.
  static func plain(_ text: String, limit: Int = 60) -> String {
    var line = String(
      text.map { $0 == "|" ? "/" : ($0.isNewline || $0 == "\t" ? " " : $0) }
        .filter {
          !$0.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
          }
        })
    if line.count > limit { line = String(line.prefix(limit - 1)) + "…" }
    return line
  }

  public static func make(
    _ assessment: Assessment, status: ExitStatus, durationSeconds: Double,
    silence: SilentRegions? = nil, notDone: [String] = []
  ) -> String {
    // Acknowledged and planned relationships are left out of the worst, and said apart.
    let (total, relationshipWorst, _) = assessment.countedTally
    var text = "FAILOVER \(status.label) - "
    if assessment.nothingReachable, !assessment.regions.isEmpty,
      assessment.regions.allSatisfy({ $0.status == .unusable })
    {
      text += "no region's snapshot is usable (\(assessment.regions.count) given)"
    } else if assessment.nothingReachable {
      text += "no appliance answered (\(assessment.applianceCount) asked)"
      // The first reason says what to fix: under cron, often a password variable that the
      // empty environment does not hold.
      if let (name, reason) = firstFailure(assessment) {
        text += ": \(plain(name)): \(plain(reason, limit: 160))"
      }
    } else if relationshipWorst == .ok, total == 0, !assessment.relationships.isEmpty {
      text += "every relationship is acknowledged or planned"
    } else if relationshipWorst == .ok {
      text += total == 1 ? "the one relationship healthy" : "all \(total) relationships healthy"
    } else {
      let worst = assessment.relationships.filter {
        $0.severity == relationshipWorst && !$0.excused
      }
      let names = worst.prefix(3).map {
        "\(plain($0.name))\($0.site.map { " at \(plain($0))" } ?? "") (\(plain($0.reasonCode)))"
      }
      .joined(separator: ", ")
      let more = worst.count > 3 ? ", and \(worst.count - 3) more" : ""
      text +=
        "\(worst.count) of \(Plural.count(total, "relationship")) \(relationshipWorst.rawValue): \(names)\(more)"
    }
    text += excusedClause(assessment.excused)
    text += unusedClause(assessment.unusedAcknowledgements)
    text += regionClause(assessment.regions)
    text += unmatchedClause(assessment.unmatchedAppliances)
    text += unansweredClause(assessment.unansweredQuestions)
    text += silence?.clause ?? ""
    // What a run that published its page could not do after it ("; --metrics FILE failed
    // (…)"), beside the verdict it found.
    text += notDone.map { "; " + plain($0, limit: 200) }.joined()
    let perfdata = [
      "ok=\(assessment.count(.ok))", "warning=\(assessment.count(.warning))",
      "critical=\(assessment.count(.critical))", "unknown=\(assessment.count(.unknown))",
      "appliances=\(assessment.applianceCount)", "unreachable=\(assessment.failedApplianceCount)",
      "unanswered=\(assessment.unansweredQuestions.count)",
      "duration=\(String(format: "%.3f", durationSeconds))s",
      "acknowledged=\(assessment.relationships.count - total)",
    ]
    let regionData =
      assessment.regions.isEmpty
      ? []
      : [
        "regions=\(assessment.regions.count)",
        "regions_not_current=\(assessment.regionsNotCurrent.count)",
      ] + (silence.map { ["silent_for=\($0.silenceSeconds)s"] } ?? [])
    return text.replacingOccurrences(of: "|", with: "/") + " | "
      + (perfdata + regionData).joined(separator: " ")
  }

  /// "; 1 acknowledged: dc3-kea-a & dc3-kea-b at DC3 (critical, by oncall until
  /// 2026-12-31T00:00:00Z)": what the verdict leaves out, the first three of them.
  static func excusedClause(_ relationships: [RelationshipAssessment]) -> String {
    guard !relationships.isEmpty else { return "" }
    let named = relationships.prefix(3).map { relationship -> String in
      let site = relationship.site.map { " at \(plain($0))" } ?? ""
      let handling = relationship.handling
      let who =
        handling?.kind == .planned
        ? "planned maintenance" : "by \(plain(handling?.by ?? ""))"
      let until = handling.map { " until \(Timestamp.iso($0.until))" } ?? ""
      return
        "\(plain(relationship.name))\(site) (\(relationship.severity.rawValue), \(who)\(until))"
    }
    let more = relationships.count > 3 ? ", and \(relationships.count - 3) more" : ""
    return "; \(relationships.count) acknowledged or planned: " + named.joined(separator: ", ")
      + more
  }

  /// "; 1 acknowledgement entry matches nothing: acknowledgements.yaml, line 3 …"
  static func unusedClause(_ sentences: [String]) -> String {
    guard let first = sentences.first else { return "" }
    let noun = sentences.count == 1 ? "entry" : "entries"
    let verb = sentences.count == 1 ? "matches" : "match"
    return
      "; \(sentences.count) acknowledgement \(noun) \(verb) nothing: \(plain(first, limit: 120))"
  }

  /// "; 2 of 3 regions not current: eu (stale, 2 h old), asia (no usable snapshot)"; empty
  /// when every region is current, or the page is not a merged one.
  static func regionClause(_ regions: [RegionAssessment]) -> String {
    let late = regions.filter { $0.status != .fresh }
    guard !late.isEmpty else { return "" }
    let named = late.prefix(3).map { region in
      switch region.status {
      case .stale:
        "\(plain(region.name)) (stale, \(ElapsedText.of(region.ageSeconds ?? 0)) old)"
      default: "\(plain(region.name)) (no usable snapshot)"
      }
    }
    let more = late.count > 3 ? ", and \(late.count - 3) more" : ""
    return "; \(late.count) of \(regions.count) regions not current: "
      + named.joined(separator: ", ") + more
  }

  /// "; 1 appliance tied to no relationship: dc9-kea-b": appliances that nothing ties to an
  /// HA server, the first three of them; empty when there are none.
  static func unmatchedClause(_ appliances: [UnmatchedAppliance]) -> String {
    guard !appliances.isEmpty else { return "" }
    let more = appliances.count > 3 ? ", and \(appliances.count - 3) more" : ""
    return "; \(Plural.count(appliances.count, "appliance")) tied to no relationship: "
      + appliances.prefix(3).map { plain($0.name) }.joined(separator: ", ") + more
  }

  /// "; 2 follow-up questions unanswered: kea-a ha-heartbeat (timeout), …": which and why,
  /// the first three of them; empty when every question was answered.
  static func unansweredClause(_ questions: [UnansweredQuestion]) -> String {
    guard !questions.isEmpty else { return "" }
    let named = questions.prefix(3).map {
      "\(plain($0.appliance)) \($0.command) (\($0.failure.kind.rawValue))"
    }
    let more = questions.count > 3 ? ", and \(questions.count - 3) more" : ""
    let noun = questions.count == 1 ? "question" : "questions"
    return "; \(questions.count) follow-up \(noun) unanswered: "
      + named.joined(separator: ", ") + more
  }

  /// The first appliance that gave no usable answer, and why.
  static func firstFailure(_ assessment: Assessment) -> (String, String)? {
    for relationship in assessment.relationships {
      for server in relationship.servers {
        if let reason = server.reason { return (server.appliance ?? server.name, reason) }
      }
      for row in relationship.failoverRows {
        if let reason = row.reason { return (row.appliance, reason) }
      }
    }
    return assessment.unmatchedAppliances.first.map { ($0.name, $0.reason) }
  }

}
