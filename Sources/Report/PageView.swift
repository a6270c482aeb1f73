import Assessment
import Foundation
import Parallelism
import Snapshot
import Templating

/// Turns an assessment into the plain values the templates read: strings, lists and objects
/// built in a fixed order, so the same assessment always renders the same bytes.
struct PageView: Sendable {
  let assessment: Assessment
  let help: HelpCatalog
  /// Beyond this many relationships, those judged OK get one line each instead of the full
  /// field table (see `PageRenderer.detailLimit`).
  var detailLimit = Int.max

  func value() -> TemplateObject {
    var root = ObjectBuilder()
    root["generator"] = .string(assessment.generator)
    root["pseudonymized"] = .bool(assessment.pseudonymized)
    root["snapshotTime"] = time(assessment.assessedAt)
    root["inventoryDigest"] = .string(assessment.inventoryDigest)
    root["collectionSeconds"] = .string(
      String(format: "%.2f", Double(assessment.collectionMilliseconds) / 1000))
    root["verdict"] = verdict()
    root["counts"] = counts()
    root["attention"] = attention()
    root["healthyHidden"] = .string(healthyHidden)
    root["applianceCount"] = .number(Double(assessment.applianceCount))
    root["appliancesAsked"] = .string(Plural.count(assessment.applianceCount, "appliance"))
    root["failedApplianceCount"] = .number(Double(assessment.failedApplianceCount))
    root["fields"] = help.fields
    let merged = !assessment.regions.isEmpty
    // The field guide explains the fields this page shows, and no others.
    let hasKea = assessment.relationships.contains { $0.kind == .kea }
    let hasFailoverRows = assessment.relationships.contains { !$0.failoverRows.isEmpty }
    root["fieldList"] = .list(
      help.fieldList.filter { field in
        guard case .object(let object) = field, case .string(let key)? = object["key"] else {
          return true
        }
        if !merged, Self.isMergedOnly(field) { return false }
        if !hasKea, Self.keaOnlyFields.contains(key) { return false }
        if !hasFailoverRows, Self.failoverRowFields.contains(key) { return false }
        return true
      })
    if merged {
      root["regionTable"] = regionTable()
      root["merged"] = .object(
        TemplateObject([
          ("regions", .string(Plural.count(assessment.regions.count, "region"))),
          (
            "current",
            .string(String(assessment.regions.count - assessment.regionsNotCurrent.count))
          ),
        ]))
      root["regionSections"] = .list(regionSections())
      root["sites"] = .null
      root["siteHeading"] = .string("h3")
      root["relationshipHeading"] = .string("h4")
    } else {
      root["regionTable"] = .null
      root["merged"] = .null
      root["regionSections"] = .null
      root["sites"] = .list(sites(of: assessment.relationships, region: nil))
      root["siteHeading"] = .string("h2")
      root["relationshipHeading"] = .string("h3")
    }
    root["detailLimit"] = .number(Double(detailLimit))
    root["changes"] = changes()
    root["unmatched"] = unmatched()
    root["unusedAcknowledgements"] = unusedAcknowledgements()
    root["keaStates"] = .list(help.keaStates.map(glossaryEntry))
    root["failoverStates"] = .list(help.failoverStates.map(glossaryEntry))
    return root.object
  }

  /// What the email shows: the verdict, the counts, and one line per relationship, worst
  /// first; past the detail limit, one per relationship that needs attention.
  func emailValue() -> TemplateObject {
    var root = ObjectBuilder()
    root["generator"] = .string(assessment.generator)
    root["snapshotTime"] = time(assessment.assessedAt)
    root["inventoryDigest"] = .string(assessment.inventoryDigest)
    root["verdict"] = verdict()
    root["counts"] = counts()
    root["applianceCount"] = .number(Double(assessment.applianceCount))
    root["appliancesAsked"] = .string(Plural.count(assessment.applianceCount, "appliance"))
    root["failedApplianceCount"] = .number(Double(assessment.failedApplianceCount))
    // Past the detail limit the message lists what needs attention, as the page shows only
    // that in full: 25,000 healthy rows are megabytes no mailbox reader scrolls through.
    let listsAll = assessment.relationships.count <= detailLimit
    let listed =
      listsAll ? assessment.relationships : assessment.relationships.filter { $0.severity != .ok }
    root["unlistedHealthy"] = .null
    if listed.count < assessment.relationships.count {
      root["unlistedHealthy"] = .object(
        TemplateObject([
          ("count", .number(Double(assessment.relationships.count - listed.count))),
          ("limit", .number(Double(detailLimit))),
        ]))
    }
    root["unmatched"] = unmatched()
    root["unusedAcknowledgements"] = unusedAcknowledgements()
    root["relationships"] = .list(
      listed.map { relationship in
        let states = Self.states(of: relationship)
        return .object(
          TemplateObject([
            ("name", .string(relationship.name)),
            (
              "site",
              optional(
                relationship.region.map { region in
                  relationship.site.map { "\(region) · \($0)" } ?? region
                } ?? relationship.site)
            ),
            ("severity", badge(relationship.severity)), ("summary", .string(relationship.summary)),
            ("handling", relationship.handling.map(Self.handling) ?? .null),
            ("states", .list(states.map(TemplateValue.string))),
            (
              "findings",
              .list(
                // A finding that only repeats the summary would say the same thing twice.
                relationship.findings.filter { $0.message != relationship.summary }.map {
                  finding in
                  .object(
                    TemplateObject([
                      ("severity", badge(finding.severity)), ("message", .string(finding.message)),
                    ]))
                })
            ),
          ]))
      })
    return root.object
  }

  /// The count of each severity; a count of problems links to the list of them.
  private func counts() -> TemplateValue {
    .list(
      [Severity.critical, .warning, .unknown, .ok].map { severity in
        let count = assessment.count(severity)
        return .object(
          TemplateObject([
            ("severity", badge(severity)), ("count", .number(Double(count))),
            ("link", .bool(severity != .ok && count > 0)),
          ]))
      })
  }

  /// How many relationships are listed at the top of the page, worst first; the rest are
  /// counted ("And 12 more, below").
  static let attentionListed = 50

  /// The relationships that need attention, worst first, each linked to its card or row;
  /// null when every relationship is healthy.
  private func attention() -> TemplateValue {
    let troubled = assessment.relationships.filter { $0.severity != .ok }
    guard !troubled.isEmpty else { return .null }
    let more = troubled.count - Self.attentionListed
    return .object(
      TemplateObject([
        (
          "entries",
          .list(
            troubled.prefix(Self.attentionListed).map { relationship in
              let place = [relationship.region, relationship.site].compactMap { $0 }
              return .object(
                TemplateObject([
                  ("id", .string(relationship.id)), ("name", .string(relationship.name)),
                  ("site", place.isEmpty ? .null : .string(place.joined(separator: " · "))),
                  ("severity", badge(relationship.severity)),
                  ("reason", .string(relationship.reasonCode)),
                  ("handling", relationship.handling.map(Self.handling) ?? .null),
                ]))
            })
        ),
        ("more", more > 0 ? .string(String(more)) : .null),
      ]))
  }

  /// What the problems-only filter says it hides.
  private var healthyHidden: String {
    let healthy = assessment.count(.ok)
    return healthy == 1
      ? "1 healthy relationship hidden" : "\(healthy) healthy relationships hidden"
  }

  private func verdict() -> TemplateValue {
    .object(
      TemplateObject([
        ("severity", badge(assessment.severity)), ("headline", .string(assessment.headline)),
      ]))
  }

  /// A severity as the templates show it: name, label, and one flag to switch icons on.
  func badge(_ severity: Severity) -> TemplateValue {
    .object(
      TemplateObject([
        ("name", .string(severity.rawValue)), ("label", .string(severity.rawValue.uppercased())),
        ("isOk", .bool(severity == .ok)), ("isWarning", .bool(severity == .warning)),
        ("isCritical", .bool(severity == .critical)), ("isUnknown", .bool(severity == .unknown)),
      ]))
  }

  /// A field that only a merged page shows (`"merged": true` in help.json).
  static func isMergedOnly(_ field: TemplateValue) -> Bool {
    if case .object(let object) = field, object["merged"] == .bool(true) { return true }
    return false
  }

  /// The regions of a merged page, in command-line order, each with its snapshot's time, age
  /// and whether it is current.
  private func regionTable() -> TemplateValue {
    let rows: [TemplateValue] = assessment.regions.map { region in
      var row = regionFacts(region)
      row["contents"] = .string(
        "\(Plural.count(region.applianceCount, "appliance")), \(Plural.count(region.relationshipCount, "relationship"))"
      )
      row["source"] = .string(region.source)
      row["maximumAge"] = .string(Self.duration(region.maximumAgeSeconds))
      return .object(row.object)
    }
    return .object(
      TemplateObject([
        ("rows", .list(rows)), ("count", .string(String(assessment.regions.count))),
        (
          "current",
          .string(String(assessment.regions.count - assessment.regionsNotCurrent.count))
        ),
      ]))
  }

  /// A region's section: its facts, then its sites. Worst first, as sites are: the worst of
  /// the region's own state and its relationships; ties keep command-line order.
  private func regionSections() -> [TemplateValue] {
    var byRegion: [String: [RelationshipAssessment]] = [:]
    for relationship in assessment.relationships {
      byRegion[relationship.region ?? "", default: []].append(relationship)
    }
    struct Ranked {
      var position: Int
      var region: RegionAssessment
      var members: [RelationshipAssessment]
      var severity: Severity
    }
    var ranked: [Ranked] = []
    for (position, region) in assessment.regions.enumerated() {
      let members = byRegion[region.name] ?? []
      let severities = members.map(\.severity) + [region.severity]
      ranked.append(
        Ranked(
          position: position, region: region, members: members,
          severity: Severity.worst(severities)))
    }
    ranked.sort { lhs, rhs in
      lhs.severity != rhs.severity ? lhs.severity > rhs.severity : lhs.position < rhs.position
    }
    return ranked.map { entry in
      var section = regionFacts(entry.region)
      section["severity"] = badge(entry.severity)
      section["sites"] = .list(sites(of: entry.members, region: entry.region.name))
      section["ageNote"] =
        entry.region.ageSeconds.map { age in
          .string(
            age == 0 ? "the newest" : "\(Self.duration(age)) older than the newest region's")
        } ?? .null
      return .object(section.object)
    }
  }

  private func regionFacts(_ region: RegionAssessment) -> ObjectBuilder {
    var facts = ObjectBuilder()
    facts["name"] = .string(region.name)
    facts["id"] = .string(Self.id("region", region.name))
    facts["severity"] = badge(region.severity)
    let status: String =
      switch region.status {
      case .fresh: "current"
      case .stale: "stale: shown as last seen"
      case .unusable:
        region.collectedAt == nil ? "no usable snapshot" : "no usable snapshot: last good shown"
      }
    facts["statusText"] = .string(status)
    facts["problem"] = optional(region.problem)
    facts["time"] = region.collectedAt.map(time) ?? .null
    facts["age"] = region.ageSeconds.map { .string(Self.duration($0)) } ?? .null
    return facts
  }

  private func sites(of relationships: [RelationshipAssessment], region: String?)
    -> [TemplateValue]
  {
    var order: [String] = []
    var groups: [String: [RelationshipAssessment]] = [:]
    for relationship in relationships {
      let site = relationship.site ?? "Unassigned"
      if groups[site] == nil { order.append(site) }
      groups[site, default: []].append(relationship)
    }
    let compact = assessment.relationships.count > detailLimit
    // Past the detail limit, the worst problems of the page (as many as the limit) show
    // every field; the others get one line each, as the healthy ones do, so a fleet of
    // thousands with hundreds of problems stays a page a browser opens. Relationships are
    // already sorted worst first.
    let inFull: Set<String> =
      compact
      ? Set(
        relationships.lazy.filter { $0.severity != .ok }.prefix(detailLimit).map(\.id))
      : []
    // The first site seen is the worst. A site's view is built on its own, so many sites are
    // built on all cores.
    let sites = order.map { ($0, groups[$0] ?? []) }
    return ConcurrentChunks.map(sites, weight: relationships.count) { site, members in
      let healthy = compact ? members.filter { $0.severity == .ok } : []
      let detailed =
        compact ? members.filter { $0.severity != .ok && inFull.contains($0.id) } : members
      let briefProblems =
        compact ? members.filter { $0.severity != .ok && !inFull.contains($0.id) } : []
      return .object(
        TemplateObject([
          ("name", .string(site)),
          // A site with nothing but healthy relationships: hidden by the problems filter.
          ("allHealthy", .bool(members.allSatisfy { $0.severity == .ok })),
          (
            "id",
            .string(
              region.map { Identifier.make(prefix: "site", $0, site) } ?? Self.id("site", site))
          ),
          ("severity", badge(Severity.worst(members.map(\.severity)))),
          ("relationships", .list(detailed) { relationship($0) }),
          ("problemRows", oneLineEach(briefProblems)),
          ("healthy", oneLineEach(healthy)),
        ]))
    }
  }

  /// A site's relationships shown one line each, and how many; null when there are none.
  private func oneLineEach(_ relationships: [RelationshipAssessment]) -> TemplateValue {
    guard !relationships.isEmpty else { return .null }
    return .object(
      TemplateObject([
        ("count", .number(Double(relationships.count))),
        ("rows", .list(relationships) { healthyRow($0) }),
      ]))
  }

  /// A relationship judged OK on a page past the detail limit: one table row, every server
  /// and its state in one cell. Each field of each server stays in the embedded snapshot.
  private func healthyRow(_ relationship: RelationshipAssessment) -> TemplateValue {
    let kind = [Self.kindLabel(relationship.kind), relationship.mode, relationship.service]
      .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
    return .object(
      TemplateObject([
        ("id", .string(relationship.id)), ("name", .string(relationship.name)),
        ("severity", badge(relationship.severity)), ("kind", .string(kind)),
        ("states", .string(Self.states(of: relationship).joined(separator: "; "))),
        ("summary", .string(relationship.summary)),
        (
          "unanswered",
          .list(
            relationship.servers.compactMap { server in
              server.unanswered.map { .string("\(server.name): \($0)") }
            })
        ),
      ]))
  }

  /// Each server's state in a few words: "name: state" for Kea, "appliance: state / partner
  /// state" for the failover protocol.
  static func states(of relationship: RelationshipAssessment) -> [String] {
    relationship.kind == .kea
      ? relationship.servers.map { "\($0.name): \($0.state ?? "unknown")" }
      : relationship.failoverRows.map {
        "\($0.appliance): \($0.myState ?? "unknown") / partner \($0.partnerState ?? "unknown")"
      }
  }

  private func relationship(_ relationship: RelationshipAssessment) -> TemplateValue {
    var object = ObjectBuilder()
    object["id"] = .string(relationship.id)
    object["name"] = .string(relationship.name)
    object["haName"] = optional(relationship.haName)
    object["kindLabel"] = .string(Self.kindLabel(relationship.kind))
    object["mode"] = optional(relationship.mode)
    object["service"] = optional(relationship.service)
    object["severity"] = badge(relationship.severity)
    object["summary"] = .string(relationship.summary)
    object["handling"] = relationship.handling.map(Self.handling) ?? .null
    // Each sentence once per card: a finding that is the summary is not listed again, and a
    // server's or row's summary said above is "As above."
    let summary = relationship.summary
    let findings = relationship.findings.filter { $0.message != summary }
    let said = Set([summary] + findings.map(\.message))
    object["findings"] = .list(
      findings.map { finding in
        .object(
          TemplateObject([
            ("severity", badge(finding.severity)), ("code", .string(finding.code)),
            ("message", .string(finding.message)),
          ]))
      })
    object["hasFindings"] = .bool(!findings.isEmpty)
    object["todo"] = todo(relationship)
    object["isKea"] = .bool(relationship.kind == .kea)
    object["timeline"] = timeline(relationship)
    object["servers"] = .list(
      relationship.servers.map { server($0, said: said, cardSummary: summary) })
    object["failoverRows"] = .list(relationship.failoverRows.map { failoverRow($0, said: said) })
    return .object(object.object)
  }

  static let asAbove = "As above."

  /// The fields only the Kea servers' table shows (`kea-servers.mustache`); `state` is not
  /// one of them, as the list of healthy relationships shows it for every kind.
  static let keaOnlyFields: Set<String> = [
    "analyzedPackets", "connectingClients", "controlStatus", "failoverProgress",
    "heartbeatStatus", "lastFailover", "partnerView", "role", "scopes", "statusAge",
    "statusTime", "unackedClients",
  ]
  /// The fields only the failover rows show (`failover-table.mustache`).
  static let failoverRowFields: Set<String> = [
    "appliance", "failoverGroupName", "mclt", "myState", "myStateTime", "partnerState",
    "partnerStateTime",
  ]

  /// For a card that needs attention: what to do, from the glossary entry of the state that
  /// makes it that bad, so the reader need not look it up; null otherwise.
  private func todo(_ relationship: RelationshipAssessment) -> TemplateValue {
    guard relationship.severity > .ok else { return .null }
    let severity = relationship.severity
    var entry: TemplateObject?
    if let server = relationship.servers.first(where: {
      $0.severity == severity && $0.stateSource == "own" && $0.state != nil
    }) {
      entry = help.state(server.state, in: help.keaStates)
    } else if let row = relationship.failoverRows.first(where: { $0.severity == severity }) {
      entry = help.state(FailoverProtocolState.named(row.myState)?.name, in: help.failoverStates)
    }
    guard let entry, case .string(let state)? = entry["name"],
      case .string(let action)? = entry["action"]
    else { return .null }
    return .object(TemplateObject([("state", .string(state)), ("action", .string(action))]))
  }

  /// What a server's column heading says beside its name: a server that has taken over
  /// serves every client (its own severity is the relationship's, but it is doing its job),
  /// one that cannot be asked and is not seen serving is down.
  private static func condition(of server: ServerAssessment) -> (Severity, String?) {
    if server.stateSource == "own", server.state == "partner-down" {
      return (.warning, "serving all clients alone")
    }
    if server.stateSource == "own", server.state == "partner-in-maintenance" {
      return (.warning, "serving all clients while its partner is in maintenance")
    }
    if server.controlStatus == .offline, server.stateSource != "own" {
      return (.critical, "down")
    }
    return (server.severity, nil)
  }

  /// An acknowledgement's or maintenance window's bearing on a card: its kind, a label and
  /// its sentence.
  static func handling(_ handling: Handling) -> TemplateValue {
    let labels: [Handling.Kind: String] = [
      .acknowledged: "Acknowledged", .planned: "Planned maintenance", .expired: "Expired",
      .exceeded: "Exceeded", .windowEnded: "Maintenance over", .noLongerNeeded: "No longer needed",
    ]
    return .object(
      TemplateObject([
        ("kind", .string(handling.kind.rawValue)), ("label", .string(labels[handling.kind] ?? "")),
        ("text", .string(handling.text)),
      ]))
  }

  /// The acknowledgements file's entries that matched nothing; null when there are none.
  private func unusedAcknowledgements() -> TemplateValue {
    guard !assessment.unusedAcknowledgements.isEmpty else { return .null }
    return .object(
      TemplateObject([
        ("entries", .list(assessment.unusedAcknowledgements.map { .string($0) }))
      ]))
  }

  /// The appliances tied to no relationship, each with why and what to change; null when
  /// every appliance is in one.
  private func unmatched() -> TemplateValue {
    guard !assessment.unmatchedAppliances.isEmpty else { return .null }
    return .object(
      TemplateObject([
        (
          "entries",
          .list(
            assessment.unmatchedAppliances.map { appliance in
              let place = [appliance.region, appliance.site].compactMap { $0 }
              return .object(
                TemplateObject([
                  ("name", .string(appliance.name)),
                  ("site", place.isEmpty ? .null : .string(place.joined(separator: " · "))),
                  ("endpoint", .string(appliance.endpoint)), ("reason", .string(appliance.reason)),
                  ("severity", badge(.unknown)),
                ]))
            })
        )
      ]))
  }

  /// "What changed since the last run", or null without an archive.
  private func changes() -> TemplateValue {
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
  private func timeline(_ relationship: RelationshipAssessment) -> TemplateValue {
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

  private func server(_ server: ServerAssessment, said: Set<String>, cardSummary: String)
    -> TemplateValue
  {
    var object = ObjectBuilder()
    object["name"] = .string(server.name)
    object["appliance"] = optional(server.appliance)
    object["applianceLabel"] = server.appliance == server.name ? .null : optional(server.appliance)
    object["identifiedBy"] = optional(server.identifiedBy)
    object["role"] = optional(server.role)
    let (headingSeverity, condition) = Self.condition(of: server)
    object["severity"] = badge(headingSeverity)
    object["condition"] = optional(condition)
    object["state"] = optional(server.state)
    object["stateSeverity"] = badge(KeaHAState.severity(of: server.state))
    object["stateAnchor"] = anchor(server.state, in: help.keaStates, prefix: "")
    object["stateFromPartner"] = .bool(server.stateSource == "partner")
    object["stateAtLeast"] = server.stateAtLeastSeconds.map { .string(Self.duration($0)) } ?? .null
    object["stateSeenSince"] = server.stateSeenSince.map(time) ?? .null
    object["statusTime"] = server.statusTime.map(time) ?? .null
    object["statusAge"] = server.statusAgeSeconds.map { .string(Self.duration($0)) } ?? .null
    object["controlStatus"] = .string(server.controlStatus.rawValue)
    object["controlSeverity"] = badge(
      server.controlStatus == .online
        ? .ok : server.controlStatus == .offline ? .critical : .unknown)
    object["heartbeatStatus"] = .string(server.heartbeatStatus.rawValue)
    object["outOfTouchFor"] = server.interruptedSeconds.map { .string(Self.duration($0)) } ?? .null
    object["heartbeatSeverity"] = badge(
      server.heartbeatStatus == .ok ? .ok : server.heartbeatStatus == .failed ? .critical : .unknown
    )
    object["scopes"] =
      server.scopes.map { .string($0.isEmpty ? "none" : $0.joined(separator: ", ")) } ?? .null
    object["scopesNote"] = optional(server.scopesNote)
    object["lastFailover"] = server.lastFailoverAt.map(time) ?? .null
    object["unacked"] = count(server.unackedClients)
    object["connecting"] = count(server.connectingClients)
    object["analyzed"] = count(server.analyzedPackets)
    if let progress = server.failoverProgress {
      var value = ObjectBuilder()
      value["label"] = .string(progress.label)
      value["bar"] =
        progress.percent.map { percent in
          .object(TemplateObject([("percent", .number(Double(percent)))]))
        } ?? .null
      object["progress"] = .object(value.object)
    } else {
      object["progress"] = .null
    }
    if let state = server.partnerViewState {
      let age = server.partnerViewAgeSeconds.map { ", \(Self.duration($0)) ago" } ?? ""
      // Kea's "unavailable" is not a state: it is the partner saying it cannot reach it.
      object["partnerView"] = .string(
        state == "unavailable"
          ? "cannot reach it (Kea reports \u{201C}unavailable\u{201D})"
            + (server.partnerViewAgeSeconds.map { "; last heard \(Self.duration($0)) ago" } ?? "")
          : state + age)
    } else {
      object["partnerView"] = .null
    }
    object["disagreement"] = optional(server.disagreement)
    // The reason it cannot be asked, unless the card's summary has just said it.
    object["reason"] =
      server.reason.flatMap { cardSummary.contains($0) ? nil : .string($0) } ?? .null
    object["unanswered"] = optional(server.unanswered)
    let repeated = said.contains(server.summary) || cardSummary.hasSuffix(": " + server.summary)
    object["summary"] = .string(repeated ? Self.asAbove : server.summary)
    return .object(object.object)
  }

  private func failoverRow(_ row: FailoverRow, said: Set<String>) -> TemplateValue {
    var object = ObjectBuilder()
    object["appliance"] = .string(row.appliance)
    object["groupName"] = .string(row.groupName)
    object["role"] = optional(row.role)
    object["myState"] = optional(row.myState)
    object["myStateSeverity"] = badge(
      FailoverProtocolState.named(row.myState)?.severity ?? .unknown)
    object["myStateAnchor"] = anchor(
      FailoverProtocolState.named(row.myState)?.name, in: help.failoverStates, prefix: "fo-")
    object["partnerStateAnchor"] = anchor(
      FailoverProtocolState.named(row.partnerState)?.name, in: help.failoverStates, prefix: "fo-")
    object["myStateTime"] = row.myStateTime.map(time) ?? .null
    object["partnerState"] = optional(row.partnerState)
    object["partnerStateSeverity"] = badge(
      FailoverProtocolState.named(row.partnerState)?.severity ?? .unknown)
    object["partnerStateTime"] = row.partnerStateTime.map(time) ?? .null
    object["mclt"] = row.mcltSeconds.map { .string(Self.duration($0)) } ?? .null
    // The end of recover-wait, unless the row's sentence already gives it.
    object["recoverWaitEnds"] =
      row.recoverWaitEndsAt.flatMap {
        row.summary.contains(Timestamp.text($0)) ? nil : time($0)
      } ?? .null
    object["recoverWaitOverdue"] = .bool(row.recoverWaitOverdue)
    object["myStateFor"] = row.myStateAgeSeconds.map { .string(Self.duration($0)) } ?? .null
    object["partnerStateFor"] =
      row.partnerStateAgeSeconds.map { .string(Self.duration($0)) } ?? .null
    object["severity"] = badge(row.severity)
    object["summary"] = .string(said.contains(row.summary) ? Self.asAbove : row.summary)
    object["reason"] = optional(row.reason)
    return .object(object.object)
  }

  private func glossaryEntry(_ entry: TemplateValue) -> TemplateValue {
    guard case .object(var object) = entry, case .string(let severity)? = object["severity"] else {
      return entry
    }
    object["badge"] = badge(Severity(rawValue: severity) ?? .unknown)
    if case .string(let name)? = object["name"] { object["id"] = .string(Self.id("state", name)) }
    return .object(object)
  }

  /// The glossary id of a state, or null when the glossary does not list it (so no link
  /// ever points nowhere).
  private func anchor(_ state: String?, in list: [TemplateValue], prefix: String) -> TemplateValue {
    guard let state, help.state(state, in: list) != nil else { return .null }
    return .string(prefix + Self.id("state", state))
  }

  private func optional(_ text: String?) -> TemplateValue {
    guard let text, !text.isEmpty else { return .null }
    return .string(text)
  }

  private func count(_ value: Int?) -> TemplateValue {
    value.map { .string(String($0)) } ?? .null
  }

  func time(_ date: Date) -> TemplateValue {
    .object(
      TemplateObject([
        ("iso", .string(Timestamp.iso(date))), ("text", .string(Timestamp.text(date))),
      ]))
  }

  static func duration(_ seconds: Int) -> String { ElapsedText.of(seconds) }

  static func kindLabel(_ kind: ApplianceKind) -> String {
    switch kind {
    case .kea: return "ISC Kea HA"
    case .dhcpd: return "ISC dhcpd failover"
    case .edgeconnect: return "EdgeConnect DHCP failover"
    }
  }

  static func id(_ prefix: String, _ text: String) -> String {
    Identifier.make(prefix: prefix, text)
  }
}

/// Collects an object's keys in order and makes the `TemplateObject` once, instead of
/// rebuilding it for every key (a page of 10,000 servers builds a lot of them).
struct ObjectBuilder {
  private var pairs: [(String, TemplateValue)] = []

  subscript(key: String) -> TemplateValue {
    get { pairs.last { $0.0 == key }?.1 ?? .null }
    set { pairs.append((key, newValue)) }
  }

  var object: TemplateObject { TemplateObject(pairs) }
}
