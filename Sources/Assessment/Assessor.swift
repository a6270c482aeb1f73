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
      nothingReachable: !snapshot.appliances.isEmpty && failed == snapshot.appliances.count)
    assessment.unansweredQuestions = snapshot.appliances.flatMap { observation in
      (observation.unanswered ?? []).map {
        UnansweredQuestion(appliance: observation.name, command: $0.command, failure: $0.failure)
      }
    }
    assessment.previousRunAt = previousRunAt
    assessment.changes = changes
    return assessment
  }
}
