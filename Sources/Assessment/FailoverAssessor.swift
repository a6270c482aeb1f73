import Foundation
import Snapshot

/// Judges failover-protocol peers (ISC dhcpd, EdgeConnect): one relationship per peer name,
/// with one row per appliance that reports it.
struct FailoverAssessor {
  let now: Date

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
        rows[key, default: []].append(row(observation, peer))
        kinds[key] = observation.kind
        if let site = observation.site { sites[key] = site }
      }
    }
    return order.map { key in
      let groupRows = rows[key] ?? []
      let findings = checks(groupRows)
      let severity = Severity.worst(groupRows.map(\.severity) + findings.map(\.severity))
      let name =
        groupRows.first?.groupName == "(unknown)"
        ? (groupRows.first?.appliance ?? key) : (groupRows.first?.groupName ?? key)
      let kind = kinds[key] ?? .dhcpd
      let worstRow = groupRows.max { $0.severity < $1.severity }
      let summary =
        findings.max(by: { $0.severity < $1.severity }).map(\.message)
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

  private func row(_ observation: ApplianceObservation, _ peer: FailoverPeerStatus) -> FailoverRow {
    let mine = FailoverProtocolState.named(peer.myState)
    let partner = FailoverProtocolState.named(peer.partnerState)
    var severity = mine?.severity ?? .unknown
    if let partner, partner.severity == .critical { severity = max(severity, .warning) }
    var waitEnds: Date?
    if mine?.name == "recover-wait", let time = peer.myStateTime, let mclt = peer.mclt {
      waitEnds = time.addingTimeInterval(Double(mclt))
    }
    return FailoverRow(
      appliance: observation.name, groupName: peer.name, role: peer.role, myState: peer.myState,
      myStateTime: peer.myStateTime, partnerState: peer.partnerState,
      partnerStateTime: peer.partnerStateTime, mcltSeconds: peer.mclt, recoverWaitEndsAt: waitEnds,
      severity: severity,
      summary: summary(mine?.name ?? peer.myState, partner: partner?.name, waitEnds: waitEnds),
      reason: nil)
  }

  private func summary(_ state: String?, partner: String?, waitEnds: Date?) -> String {
    switch state {
    case "normal": return "Normal: keepalives and lease updates flow between the peers."
    case "communications-interrupted":
      return "Cannot talk to its peer: it serves clients on its own, assuming the peer is alive."
    case "partner-down":
      return "Serves all clients: it was told, or decided, that its peer is down."
    case "potential-conflict":
      return
        "Potential conflict: the peers may have given out the same addresses; they must reconcile."
    case "recover":
      return "Recovering: it relearns the bindings from its peer and serves no clients meanwhile."
    case "recover-wait":
      let end = waitEnds.map { " until \(Timestamp.iso($0))" } ?? ""
      return "Waiting one MCLT\(end) before recover-done, so no lease it promised can clash."
    case "recover-done": return "Recovery finished; it moves to normal once the peer agrees."
    case "startup": return "Starting up: it has not yet decided its state."
    case "paused": return "Paused: the daemon was stopped for a short while."
    case "shutdown": return "Shut down on purpose."
    case "conflict-done", "resolution-interrupted": return "Reconciling after a conflict."
    default: return "State \(state ?? "unknown") is not one dhcpd knows."
    }
  }

  private func checks(_ rows: [FailoverRow]) -> [Finding] {
    var findings: [Finding] = []
    if rows.filter({ $0.myState == "partner-down" }).count >= 2 {
      findings.append(
        Finding(
          .critical, "split-brain",
          "Both peers are in partner-down: each serves every client alone."))
    }
    if rows.contains(where: { $0.myState == "potential-conflict" }) {
      findings.append(
        Finding(
          .critical, "potential-conflict",
          "A peer is in potential-conflict: addresses may have been given out twice."))
    }
    if rows.count == 2 {
      for (row, other) in [(rows[0], rows[1]), (rows[1], rows[0])] {
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
    }
    return findings
  }
}
