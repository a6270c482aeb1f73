import Foundation
import Snapshot

/// Turns a snapshot into an assessment. A pure function of the snapshot and the history.
public enum Assessor {
  public static func assess(_ snapshot: Snapshot, history: History = .empty) -> Assessment {
    let now = snapshot.collectedAt
    let kea = KeaAssessor(now: now, history: history)
    var relationships = KeaRelationshipBuilder.groups(from: snapshot.appliances).map(kea.assess)
    relationships += FailoverAssessor(now: now).assess(snapshot.appliances)
    relationships.sort { lhs, rhs in
      lhs.severity != rhs.severity ? lhs.severity > rhs.severity : lhs.name < rhs.name
    }
    // Ids must be unique on the page even if two relationships share a name.
    var seen: [String: Int] = [:]
    for index in relationships.indices {
      let id = relationships[index].id
      let count = seen[id, default: 0]
      seen[id] = count + 1
      if count > 0 { relationships[index].id = "\(id)-\(count + 1)" }
    }
    let (partnerDown, lastFailovers) = failovers(in: relationships, now: now, history: history)
    for index in relationships.indices where relationships[index].kind == .kea {
      for position in relationships[index].servers.indices {
        relationships[index].servers[position].lastFailoverAt =
          lastFailovers[relationships[index].servers[position].name]
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
    let failed = snapshot.appliances.filter { $0.failure != nil }.count
    var assessment = Assessment(
      assessedAt: now, generator: snapshot.generator, inventoryDigest: snapshot.inventoryDigest,
      collectionMilliseconds: snapshot.durationMilliseconds,
      severity: Severity.worst(relationships.map(\.severity)), relationships: relationships,
      applianceCount: snapshot.appliances.count, failedApplianceCount: failed,
      nothingReachable: !snapshot.appliances.isEmpty && failed == snapshot.appliances.count,
      runSummary: RunSummary(
        at: now,
        relationships: relationships.map { ($0.id, RelationshipRecord($0, at: now)) },
        partnerDown: partnerDown, lastFailovers: lastFailovers))
    assessment.unansweredQuestions = snapshot.appliances.flatMap { observation in
      (observation.unanswered ?? []).map {
        UnansweredQuestion(appliance: observation.name, command: $0.command, failure: $0.failure)
      }
    }
    assessment.previousRunAt = previousRunAt
    assessment.changes = changes
    return assessment
  }

  /// Which active Kea servers report partner-down now, and each server's last failover: a
  /// server that entered partner-down since the previous run has just taken over from its
  /// partners. Without a previous run, a takeover cannot be dated: it happened before the
  /// first run that saw it.
  static func failovers(
    in relationships: [RelationshipAssessment], now: Date, history: History
  ) -> (partnerDown: Set<String>, lastFailovers: [String: Date]) {
    var down: Set<String> = []
    var lastFailovers = history.lastFailovers
    for relationship in relationships where relationship.kind == .kea {
      let actives = relationship.servers.filter { $0.role != "backup" }
      for server in actives where server.stateSource == "own" && server.state == "partner-down" {
        down.insert(server.name)
        guard !history.runs.isEmpty, !history.partnerDown.contains(server.name) else { continue }
        for partner in actives where partner.name != server.name {
          lastFailovers[partner.name] = now
        }
      }
    }
    return (down, lastFailovers)
  }
}
