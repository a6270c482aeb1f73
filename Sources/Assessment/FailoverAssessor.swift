import Foundation
import Snapshot

/// Judges failover-protocol peers (ISC dhcpd, EdgeConnect): one relationship per peer name,
/// with one row per appliance that reports it, by the rules of `FailoverRules`.
struct FailoverAssessor {
  let now: Date
  var thresholds = JudgingThresholds()

  private var rules: FailoverRules { FailoverRules(now: now, thresholds: thresholds) }

  func assess(_ observations: [ApplianceObservation]) -> [RelationshipAssessment] {
    var order: [String] = []
    var rows: [String: [FailoverRow]] = [:]
    var kinds: [String: ApplianceKind] = [:]
    var sites: [String: String] = [:]
    for observation in observations where observation.kind != .kea {
      let peers = observation.failoverPeers ?? []
      if peers.isEmpty {
        let key = "\(observation.kind.rawValue):appliance:\(observation.name)"
        if rows[key] == nil { order.append(key) }
        rows[key, default: []].append(
          FailoverRow(
            appliance: observation.name, groupName: "(unknown)", role: nil, myState: nil,
            myStateTime: nil,
            partnerState: nil, partnerStateTime: nil, mcltSeconds: nil, recoverWaitEndsAt: nil,
            severity: observation.failure?.kind == .notConfigured ? .warning : .critical,
            summary:
              "Cannot be read: \(observation.failure?.message ?? "no failover state found").",
            reason: observation.failure?.message))
        kinds[key] = observation.kind
        sites[key] = observation.site
        continue
      }
      for peer in peers {
        let key = "\(observation.kind.rawValue):\(peer.name)"
        if rows[key] == nil { order.append(key) }
        // One appliance's row once, even if two inventory entries read the same export.
        let appliance = peer.appliance ?? observation.name
        guard rows[key]?.contains(where: { $0.appliance == appliance }) != true else { continue }
        rows[key, default: []].append(row(peer, appliance: appliance))
        kinds[key] = observation.kind
        if let site = observation.site { sites[key] = site }
      }
    }
    return order.map { key in
      var groupRows = rows[key] ?? []
      let mclt = groupRows.compactMap(\.mcltSeconds).first { $0 > 0 }
      for index in groupRows.indices where groupRows[index].reason == nil {
        judge(&groupRows[index], partnerRow: pairedRow(index, in: groupRows), mclt: mclt)
      }
      let findings = pairFindings(groupRows, mclt: mclt)
      let severity = Severity.worst(groupRows.map(\.severity) + findings.map(\.severity))
      let name =
        groupRows.first?.groupName == "(unknown)"
        ? (groupRows.first?.appliance ?? key) : (groupRows.first?.groupName ?? key)
      let kind = kinds[key] ?? .dhcpd
      let worstRow = groupRows.max { $0.severity < $1.severity }
      let summary =
        findings.first.map(\.message)
        ?? (severity == .ok
          ? "Healthy: both peers in normal."
          : "\(worstRow?.appliance ?? ""): \(worstRow?.summary ?? "")")
      return RelationshipAssessment(
        id: Identifier.make(prefix: "r", kind.rawValue, name), name: name, kind: kind,
        mode: "failover",
        service: nil,
        site: sites[key], severity: severity, summary: summary, findings: findings, servers: [],
        failoverRows: groupRows)
    }
  }

  /// The row as reported, before it is judged.
  private func row(_ peer: FailoverPeerStatus, appliance: String) -> FailoverRow {
    FailoverRow(
      appliance: appliance, groupName: peer.name, role: peer.role, myState: peer.myState,
      myStateTime: peer.myStateTime, partnerState: peer.partnerState,
      partnerStateTime: peer.partnerStateTime, mcltSeconds: peer.mclt, recoverWaitEndsAt: nil,
      severity: .unknown, summary: "", reason: nil)
  }

  /// The other appliance's row in a pair; nil when only one side is in the inventory.
  private func pairedRow(_ index: Int, in rows: [FailoverRow]) -> FailoverRow? {
    let readable = rows.indices.filter { rows[$0].reason == nil }
    guard readable.count >= 2, let position = readable.firstIndex(of: index), position < 2
    else { return nil }
    return rows[readable[1 - position]]
  }

  /// The row's own state, judged at the snapshot's time: its severity, its sentence, its ages.
  private func judge(_ row: inout FailoverRow, partnerRow: FailoverRow?, mclt: Int?) {
    let own = FailoverSide(name: row.appliance, state: row.myState, since: row.myStateTime)
    let partner =
      partnerRow.map { FailoverSide(name: $0.appliance, state: $0.myState) }
      ?? viewOfPartner(row)
    let findings = rules.findings(own, partner: partner, mclt: mclt)
    row.severity = Severity.worst(findings.map(\.severity))
    row.summary = findings.first?.message ?? Self.normal
    row.myStateAgeSeconds = rules.age(own)
    row.partnerStateAgeSeconds = rules.age(viewOfPartner(row))
    row.recoverWaitEndsAt = rules.waitEnd(own, mclt: mclt)
    row.recoverWaitOverdue = row.recoverWaitEndsAt.map(rules.isStuck) ?? false
  }

  static let normal = "Normal: keepalives and lease updates flow between the peers."

  /// What a row says of the partner it sees.
  private func viewOfPartner(_ row: FailoverRow) -> FailoverSide {
    FailoverSide(
      name: "\(row.appliance)'s partner", state: row.partnerState,
      since: row.partnerStateTime, reportedBy: row.appliance)
  }

  /// The pair's findings: both sides' own rows when both are in the inventory; otherwise the
  /// one row and what it says of its partner, which counts the same.
  private func pairFindings(_ rows: [FailoverRow], mclt: Int?) -> [Finding] {
    let readable = rows.filter { $0.reason == nil }
    guard let first = readable.first else { return [] }
    let own = FailoverSide(name: first.appliance, state: first.myState, since: first.myStateTime)
    guard readable.count >= 2 else {
      return rules.findings(own, viewOfPartner(first), mclt: mclt)
    }
    let second = readable[1]
    var findings = rules.findings(
      own,
      FailoverSide(name: second.appliance, state: second.myState, since: second.myStateTime),
      mclt: mclt)
    for (row, other) in [(first, second), (second, first)] {
      if let seen = row.partnerState, let actual = other.myState, seen != actual,
        FailoverProtocolState.named(seen) != nil
      {
        findings.append(
          Finding(
            .unknown, "view-mismatch",
            "\(row.appliance) sees its peer in \(seen), but \(other.appliance) reports \(actual)."
          ))
      }
    }
    return findings
  }
}
