import Assessment
import Foundation
import Parallelism
import Snapshot
import Templating

/// The page's layout: regions (on a merged page), their sites, and each site's relationships
/// as cards or, past the detail limit, one line each.
extension PageView {
  /// The regions of a merged page, in command-line order, each with its snapshot's time, age
  /// and whether it is current.
  func regionTable() -> TemplateValue {
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
  func regionSections() -> [TemplateValue] {
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

  func regionFacts(_ region: RegionAssessment) -> ObjectBuilder {
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

  func sites(of relationships: [RelationshipAssessment], region: String?)
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
  func oneLineEach(_ relationships: [RelationshipAssessment]) -> TemplateValue {
    guard !relationships.isEmpty else { return .null }
    return .object(
      TemplateObject([
        ("count", .number(Double(relationships.count))),
        ("rows", .list(relationships) { healthyRow($0) }),
      ]))
  }

  /// A relationship judged OK on a page past the detail limit: one table row, every server
  /// and its state in one cell. Each field of each server stays in the embedded snapshot.
  func healthyRow(_ relationship: RelationshipAssessment) -> TemplateValue {
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
}
