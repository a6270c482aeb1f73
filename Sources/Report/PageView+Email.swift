import Assessment
import Foundation
import Parallelism
import Snapshot
import Templating

/// The email's view: the verdict, the counts and a line per relationship.
extension PageView {
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
}
