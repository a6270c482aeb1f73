import Foundation
import Parallelism
import Snapshot

/// Turns a snapshot into an assessment. A pure function of the snapshot and the history.
public enum Assessor {
  public static func assess(_ snapshot: Snapshot, history: History = .empty) -> Assessment {
    let now = snapshot.collectedAt
    var relationships: [RelationshipAssessment] = []
    var regions: [RegionAssessment] = []
    var unmatched: [UnmatchedAppliance] = []
    if let reports = snapshot.regions {
      // Each region is judged on its own, at its own snapshot's time: two regions may use the
      // same HA server names (server1, server2) for different pairs.
      var byRegion: [String: [ApplianceObservation]] = [:]
      for appliance in snapshot.appliances {
        byRegion[appliance.region ?? "", default: []].append(appliance)
      }
      for report in reports {
        let members = byRegion[report.name] ?? []
        var (found, strays) = relationshipsOf(
          members, now: report.collectedAt ?? now, history: history,
          thresholds: report.judging ?? JudgingThresholds())
        for index in found.indices { place(&found[index], in: report) }
        unmatched += strays.map { stray in
          var stray = stray
          stray.region = report.name
          return stray
        }
        regions.append(
          RegionAssessment(
            report, now: now, applianceCount: members.count, relationshipCount: found.count))
        relationships += found
      }
    } else {
      (relationships, unmatched) = relationshipsOf(
        snapshot.appliances, now: now, history: history,
        thresholds: snapshot.judging ?? JudgingThresholds())
    }
    relationships = worstFirst(relationships)
    // Ids must be unique on the page even if two relationships share a name.
    var seen: [String: Int] = [:]
    for index in relationships.indices {
      let id = relationships[index].id
      let count = seen[id, default: 0]
      seen[id] = count + 1
      if count > 0 { relationships[index].id = "\(id)-\(count + 1)" }
    }
    // Kea states are aged from the runs before this one, by the final ids those runs used.
    let thresholdsByRegion = Dictionary(
      (snapshot.regions ?? []).map { ($0.name, $0.judging ?? JudgingThresholds()) },
      uniquingKeysWith: { first, _ in first })
    var aged = false
    for index in relationships.indices where relationships[index].kind == .kea {
      let before = relationships[index].severity
      let region = relationships[index].region
      let regionNow =
        region.flatMap { name in snapshot.regions?.first { $0.name == name }?.collectedAt } ?? now
      KeaStateAges.apply(
        to: &relationships[index], history: history, now: regionNow,
        thresholds: region.flatMap { thresholdsByRegion[$0] } ?? snapshot.judging
          ?? JudgingThresholds())
      aged = aged || relationships[index].severity != before
    }
    if aged {
      relationships = worstFirst(relationships)
    }
    let (partnerDown, lastFailovers) = failovers(in: relationships, now: now, history: history)
    for index in relationships.indices where relationships[index].kind == .kea {
      for position in relationships[index].servers.indices {
        relationships[index].servers[position].lastFailoverAt =
          lastFailovers[
            serverKey(relationships[index].servers[position].name, relationships[index].region)]
      }
    }
    let previousRunAt = history.runs.last { $0 < now }
    var changes: [RelationshipChange] = []
    for index in relationships.indices {
      let relationship = relationships[index]
      let past = (history.records[relationship.id] ?? []).filter { $0.at < now }
      relationships[index].history = past
      guard let previousRunAt else { continue }
      let before = past.last.flatMap { $0.at == previousRunAt ? $0 : nil }
      let after = RelationshipRecord(relationship, at: now)
      if before?.severity != after.severity || before?.states != after.states {
        changes.append(
          RelationshipChange(
            name: relationship.name, id: relationship.id, before: before, after: after))
      }
    }
    if let previousRunAt {
      let current = Set(relationships.map(\.id))
      for (id, records) in history.records.sorted(by: { $0.key < $1.key })
      where !current.contains(id) {
        guard let last = records.last(where: { $0.at == previousRunAt }) else { continue }
        changes.append(
          RelationshipChange(name: last.name, id: nil, before: last, after: nil))
      }
    }
    let unused =
      snapshot.acknowledgements.map { Handlings.apply($0, to: &relationships, now: now) } ?? []
    var handled: [String: String] = [:]
    for index in relationships.indices {
      if let kind = relationships[index].handling?.kind {
        handled[relationships[index].id] = kind.rawValue
      }
    }
    // By position, as `Assessment.count` does: iterating would copy every observation.
    let failed = snapshot.appliances.indices.count { snapshot.appliances[$0].failure != nil }
    let noRegionUsable = !regions.isEmpty && regions.allSatisfy { $0.status == .unusable }
    var assessment = Assessment(
      assessedAt: now, generator: snapshot.generator, inventoryDigest: snapshot.inventoryDigest,
      collectionMilliseconds: snapshot.durationMilliseconds,
      severity: Severity.worst(
        relationships.indices.compactMap {
          relationships[$0].excused ? nil : relationships[$0].severity
        } + regions.map(\.severity) + unmatched.map { _ in .unknown }),
      relationships: relationships,
      applianceCount: snapshot.appliances.count, failedApplianceCount: failed,
      nothingReachable: noRegionUsable
        || (!snapshot.appliances.isEmpty && failed == snapshot.appliances.count),
      runSummary: RunSummary(
        at: now,
        relationships: relationships.map { ($0.id, RelationshipRecord($0, at: now)) },
        partnerDown: partnerDown, lastFailovers: lastFailovers, handled: handled))
    assessment.unansweredQuestions = snapshot.appliances.flatMap { observation in
      (observation.unanswered ?? []).map {
        UnansweredQuestion(appliance: observation.name, command: $0.command, failure: $0.failure)
      }
    }
    assessment.previousRunAt = previousRunAt
    assessment.changes = changes
    assessment.handlingChanged = previousRunAt != nil && handled != history.handled
    assessment.regions = regions
    assessment.unmatchedAppliances = unmatched
    assessment.unusedAcknowledgements = unused
    assessment.pseudonymized = snapshot.pseudonymized == true
    return assessment
  }

  /// Worst first, then by name; ties keep their order. Sorted as positions, then moved once:
  /// sorting the large values themselves copied each of 25,000 about fifteen times.
  static func worstFirst(_ relationships: [RelationshipAssessment]) -> [RelationshipAssessment] {
    let keys = relationships.map { ($0.severity, $0.name) }
    let order = keys.indices.sorted { lhs, rhs in
      let (left, right) = (keys[lhs], keys[rhs])
      if left.0 != right.0 { return left.0 > right.0 }
      return left.1 != right.1 ? left.1 < right.1 : lhs < rhs
    }
    return order.map { relationships[$0] }
  }

  /// The relationships of one run's appliances, judged at that run's time with its
  /// thresholds, and the Kea appliances that could be tied to none of them.
  static func relationshipsOf(
    _ appliances: [ApplianceObservation], now: Date, history: History,
    thresholds: JudgingThresholds
  ) -> ([RelationshipAssessment], [UnmatchedAppliance]) {
    let kea = KeaAssessor(now: now, history: history, thresholds: thresholds)
    let built = KeaRelationshipBuilder.build(from: appliances)
    // Each Kea relationship is judged on its own: a large fleet's on all cores.
    let relationships =
      ConcurrentChunks.map(built.groups) { kea.assess($0) }
      + FailoverAssessor(now: now, thresholds: thresholds).assess(appliances)
    return (relationships, built.unmatched)
  }

  /// Ties a relationship to its region on a merged page: its id is made unique across regions,
  /// and a region whose data is not current makes it at least unknown, never healthy.
  static func place(_ relationship: inout RelationshipAssessment, in region: RegionReport) {
    relationship.region = region.name
    relationship.id = Identifier.make(prefix: "in", region.name) + "-" + relationship.id
    guard region.status != .fresh else { return }
    let asOf = region.collectedAt.map { " as of \(Timestamp.text($0))" } ?? ""
    let why =
      region.status == .stale
      ? "region \(region.name) has sent no newer snapshot"
      : "region \(region.name)'s snapshot cannot be used"
    relationship.severity = max(relationship.severity, .unknown)
    relationship.summary = "Not current (\(why)); last seen\(asOf): \(relationship.summary)"
    relationship.findings.insert(
      Finding(
        .unknown, "region-\(region.status.rawValue)",
        "Region \(region.name): \(region.problem ?? region.status.rawValue)."), at: 0)
  }

  /// Server names are unique within a region only.
  static func serverKey(_ name: String, _ region: String?) -> String {
    region.map { "\($0)/\(name)" } ?? name
  }

  /// Which active Kea servers report partner-down now, and each server's last failover: a
  /// server that entered partner-down since the previous run has just taken over from its
  /// partners. Kea gives no state times, so a takeover is dated by the first run that saw it;
  /// for an archive's first run that is when the archive began to watch (it happened then or
  /// before). Without an archive nothing is dated.
  static func failovers(
    in relationships: [RelationshipAssessment], now: Date, history: History
  ) -> (partnerDown: Set<String>, lastFailovers: [String: Date]) {
    var down: Set<String> = []
    var lastFailovers = history.lastFailovers
    for relationship in relationships where relationship.kind == .kea {
      let actives = relationship.servers.filter { $0.role != "backup" }
      for server in actives where server.stateSource == "own" && server.state == "partner-down" {
        let key = serverKey(server.name, relationship.region)
        down.insert(key)
        guard history.archived || !history.runs.isEmpty, !history.partnerDown.contains(key)
        else { continue }
        for partner in actives where partner.name != server.name {
          lastFailovers[serverKey(partner.name, relationship.region)] = now
        }
      }
    }
    return (down, lastFailovers)
  }
}
