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

  /// The count of each severity; a count of problems links to the list of them.
  func counts() -> TemplateValue {
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
  func attention() -> TemplateValue {
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
  var healthyHidden: String {
    let healthy = assessment.count(.ok)
    return healthy == 1
      ? "1 healthy relationship hidden" : "\(healthy) healthy relationships hidden"
  }

  func verdict() -> TemplateValue {
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

  /// The acknowledgements file's entries that matched nothing; null when there are none.
  func unusedAcknowledgements() -> TemplateValue {
    guard !assessment.unusedAcknowledgements.isEmpty else { return .null }
    return .object(
      TemplateObject([
        ("entries", .list(assessment.unusedAcknowledgements.map { .string($0) }))
      ]))
  }

  /// The appliances tied to no relationship, each with why and what to change; null when
  /// every appliance is in one.
  func unmatched() -> TemplateValue {
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

  func glossaryEntry(_ entry: TemplateValue) -> TemplateValue {
    guard case .object(var object) = entry, case .string(let severity)? = object["severity"] else {
      return entry
    }
    object["badge"] = badge(Severity(rawValue: severity) ?? .unknown)
    if case .string(let name)? = object["name"] { object["id"] = .string(Self.id("state", name)) }
    return .object(object)
  }

  /// The glossary id of a state, or null when the glossary does not list it (so no link
  /// ever points nowhere).
  func anchor(_ state: String?, in list: [TemplateValue], prefix: String) -> TemplateValue {
    guard let state, help.state(state, in: list) != nil else { return .null }
    return .string(prefix + Self.id("state", state))
  }

  func optional(_ text: String?) -> TemplateValue {
    guard let text, !text.isEmpty else { return .null }
    return .string(text)
  }

  func count(_ value: Int?) -> TemplateValue {
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
