import Foundation
import Snapshot

/// Judges Kea HA relationships as an HA expert would: each server from its own answer and its
/// partner's view of it, then the pair as a whole.
struct KeaAssessor {
  let now: Date
  let history: History
  var thresholds = JudgingThresholds()

  typealias Member = KeaRelationshipBuilder.Member

  func assess(_ group: KeaRelationshipBuilder.Group) -> RelationshipAssessment {
    let configuration = group.configuration
    let peers: [KeaPeer] =
      configuration?.peers
      ?? group.members.map {
        KeaPeer(
          name: $0.serverName, role: $0.status?.local?.role, url: $0.observation.endpoint,
          autoFailover: nil)
      }
    let mode = configuration?.mode ?? group.members.compactMap { $0.status?.mode }.first
    let actives = peers.filter { $0.role != "backup" }
    var servers: [ServerAssessment] = []
    for peer in peers {
      let member = group.members.first { $0.serverName == peer.name }
      let partnerPeer = peer.role == "backup" ? nil : actives.first { $0.name != peer.name }
      let partner = partnerPeer.flatMap { partnerPeer in
        group.members.first { $0.serverName == partnerPeer.name }
      }
      servers.append(
        server(
          peer: peer, member: member, partner: partner, partnerName: partnerPeer?.name, mode: mode))
    }
    let findings = KeaPeerChecks(now: now).findings(
      servers: servers, members: group.members, mode: mode)
    let severity = Self.severity(servers: servers, findings: findings)
    // Named as the operator named them: the inventory's appliances, with the HA names
    // beside when they differ (two sites may both run server1 and server2).
    let named = actives.isEmpty ? peers : actives
    let appliances = named.map { peer in
      servers.first { $0.name == peer.name }?.appliance ?? peer.name
    }
    let name = appliances.joined(separator: " & ")
    // Joined only when it differs: most fleets name appliances as their HA servers.
    let haName =
      appliances.elementsEqual(named.map(\.name)) ? nil : named.map(\.name).joined(separator: " & ")
    var relationship = RelationshipAssessment(
      id: Identifier.make(prefix: "r", "kea", group.service ?? "", name), name: name, kind: .kea,
      mode: mode,
      service: group.service,
      site: group.site ?? group.members.compactMap(\.observation.site).first,
      severity: severity,
      summary: Self.relationshipSummary(servers: servers, findings: findings, mode: mode),
      findings: findings, servers: servers, failoverRows: [])
    relationship.haName = haName
    return relationship
  }

  private func server(
    peer: KeaPeer, member: Member?, partner: Member?, partnerName: String?, mode: String?
  ) -> ServerAssessment {
    let own = member?.answered == true ? member?.status?.local : nil
    let view = partner?.answered == true ? partner?.status?.remote : nil
    let current = view.flatMap(Self.currentView)
    let isBackup = peer.role == "backup"
    var result = ServerAssessment(
      name: peer.name, appliance: member?.observation.name, role: own?.role ?? peer.role,
      endpoint: member?.observation.endpoint ?? peer.url, severity: .unknown, state: own?.state,
      stateSource: own?.state == nil ? nil : "own", statusTime: nil, statusAgeSeconds: nil,
      controlStatus: controlStatus(member), heartbeatStatus: .unknown, scopes: own?.scopes,
      scopesNote: nil, lastFailoverAt: nil, unackedClients: nil,
      connectingClients: nil, analyzedPackets: nil, failoverProgress: nil,
      partnerViewState: nil, partnerViewAgeSeconds: nil, disagreement: nil,
      reason: member?.observation.failure?.message, summary: "")
    result.identifiedBy = member?.identifiedBy
    if own != nil { result.unanswered = member.flatMap { Self.unansweredNote($0.observation) } }
    // Status time: our own answer is fresh; otherwise what the partner last heard, age seconds ago.
    if own != nil, let asked = member?.observation.askedAt {
      result.statusTime = asked
    } else if let view, view.inTouch == true, let age = view.age,
      let asked = partner?.observation.askedAt
    {
      result.statusTime = asked.addingTimeInterval(-Double(age))
    }
    result.statusAgeSeconds = result.statusTime.map {
      max(0, Int(now.timeIntervalSince($0).rounded()))
    }
    if let view {
      let lastState = view.lastState ?? ""
      result.partnerViewState = lastState.isEmpty ? nil : lastState
      result.partnerViewAgeSeconds = view.inTouch == true ? view.age : nil
      if view.communicationInterrupted == true {
        result.heartbeatStatus = .failed
      } else if view.inTouch == true {
        result.heartbeatStatus = .ok
      }
      result.unackedClients = view.unackedClients
      result.connectingClients = view.connectingClients
      result.analyzedPackets = view.analyzedPackets
      // "unavailable" is not a state the server was in: it is what the partner says when it
      // cannot reach it. Only a current view stands for the server's own answer.
      if result.state == nil, let current, let seen = current.lastState {
        result.state = seen
        result.stateSource = "partner"
        if result.scopes == nil, let scopes = current.lastScopes {
          result.scopes = scopes
          result.scopesNote = "as its partner last saw them"
        }
      }
      if let state = own?.state, let seen = result.partnerViewState, seen != state {
        result.disagreement =
          seen == Self.unreachable
          ? "its partner cannot reach it, although it answers here: check the link between them"
          : "its partner last saw it in \(seen)\(view.age.map { " \($0) s ago" } ?? ""); partners' views lag by up to one heartbeat"
      }
      result.failoverProgress = progress(
        view: view, partner: partner, judgedRole: peer.role, mode: mode)
    }
    if isBackup {
      result.scopesNote = "a backup server receives lease updates only and serves no clients"
    } else if own?.scopes?.isEmpty == true {
      if mode == "hot-standby" && own?.role == "standby" {
        result.scopesNote =
          "a hot-standby standby serves no clients while its primary is healthy; it takes over the primary's scope if the primary fails"
      } else {
        result.scopesNote = "it answers no DHCP clients in state \(own?.state ?? "unknown")"
      }
    }
    result.interruptedSeconds = interruption(
      own: own?.state, ownView: member?.answered == true ? member?.status?.remote : nil,
      partnerView: view)
    result.severity = severity(of: result, answered: member?.answered == true, isBackup: isBackup)
    result.summary = summary(
      result, partnerState: partner?.answered == true ? partner?.status?.local?.state : nil,
      partnerScopes: partner?.answered == true ? partner?.status?.local?.scopes : nil,
      partnerName: partnerName,
      monitored: member != nil, isBackup: isBackup)
    escalate(&result, partnerName: partnerName ?? "its partner")
    return result
  }

  /// How long this server and its partner have been out of touch, in seconds: Kea reports no
  /// state times, but a `remote` block's `age` is the time since the last successful
  /// exchange. Its own view counts while it is in a state caused by the loss; its partner's
  /// view counts when the partner counts communication with it as interrupted.
  private func interruption(
    own: String?, ownView: KeaRemoteServer?, partnerView: KeaRemoteServer?
  ) -> Int? {
    func silence(_ remote: KeaRemoteServer?, flagged: Bool) -> Int? {
      guard let remote, remote.inTouch == true, !flagged || remote.communicationInterrupted == true,
        let age = remote.age, age >= 0
      else { return nil }
      return age
    }
    // A server enters communication-recovery at the first failed exchange, before its view
    // counts communication as interrupted (max-response-delay later): its state says enough.
    let ownLoss =
      ["communication-recovery", "partner-down"].contains(own ?? "")
      ? silence(ownView, flagged: false) : nil
    let seen = [ownLoss, silence(partnerView, flagged: true)].compactMap { $0 }
    return seen.max()
  }

  /// A lost connection that has lasted past the threshold is critical: the lease databases
  /// have drifted apart for that long, whatever state each server is in.
  private func escalate(_ server: inout ServerAssessment, partnerName: String) {
    guard let lost = server.interruptedSeconds else { return }
    let limit = thresholds.interruptionLimit(mclt: nil)
    if server.state == "partner-down" {
      server.summary += " It has heard nothing from \(partnerName) for \(ElapsedText.of(lost))."
      return
    }
    guard lost >= limit, server.severity < .critical else { return }
    server.severity = .critical
    server.summary =
      "Interrupted too long: it and \(partnerName) have not exchanged a message for \(ElapsedText.of(lost)), more than \(ElapsedText.of(limit)). Lease updates are not reaching the other side, so the two lease databases drift apart; restore the link between them, or put the survivor in partner-down if \(partnerName) is really gone."
  }

  /// What a server that answered `status-get` left unanswered, and what that leaves unknown.
  static func unansweredNote(_ observation: ApplianceObservation) -> String? {
    guard let unanswered = observation.unanswered, !unanswered.isEmpty else { return nil }
    return unanswered.map { command in
      let consequence =
        switch command.command {
        case "config-get": "HA settings (peers, roles, timers) unknown"
        case "ha-heartbeat": "clock skew not checked"
        default: "its answer missing"
        }
      return "\(command.command) not answered (\(command.failure.message)): \(consequence)"
    }.joined(separator: "; ")
  }

  private func controlStatus(_ member: Member?) -> ControlStatus {
    guard let member else { return .unknown }
    if member.answered { return .online }
    switch member.observation.failure?.kind {
    case .unreachable, .timeout, .commandFailed: return .offline
    default: return .unknown
    }
  }

  /// Failover progress of the judged server, counted by its partner. Kea 1.9.4 and later report
  /// `unacked-clients-left` so that unacked + left is the threshold itself.
  private func progress(
    view: KeaRemoteServer, partner: Member?, judgedRole: String?, mode: String?
  ) -> FailoverProgress? {
    guard view.communicationInterrupted == true else { return nil }
    let partnerState = partner?.status?.local?.state
    if partnerState == "partner-down" {
      return FailoverProgress(
        percent: nil, unacked: nil, threshold: nil,
        label: "failover completed: the partner is in partner-down")
    }
    let maximum = partner?.configuration?.maxUnackedClients
    if maximum == 0 {
      return FailoverProgress(
        percent: nil, unacked: nil, threshold: nil,
        label:
          "immediate failover: max-unacked-clients is 0, so the partner takes over without analysing traffic"
      )
    }
    if mode == "hot-standby" && judgedRole == "standby" {
      return FailoverProgress(
        percent: nil, unacked: nil, threshold: nil,
        label: "immediate failover: a hot-standby primary does not analyse traffic for its standby")
    }
    let unacked = view.unackedClients ?? 0
    let left = max(0, view.unackedClientsLeft ?? 0)
    let threshold = unacked + left
    guard threshold > 0 else { return nil }
    let percent = min(100, unacked * 100 / threshold)
    return FailoverProgress(
      percent: percent, unacked: unacked, threshold: threshold,
      label: "\(unacked) of \(threshold) unacked clients")
  }

  /// What a partner reports of a server, when it is current: in touch, communication not
  /// counted as interrupted, and a state heard (not "" before contact, nor "unavailable").
  static func currentView(_ view: KeaRemoteServer) -> KeaRemoteServer? {
    guard view.inTouch == true, view.communicationInterrupted != true,
      let state = view.lastState, !state.isEmpty, state != unreachable
    else { return nil }
    return view
  }

  /// What Kea's `last-state` says when the partner cannot reach the server.
  static let unreachable = "unavailable"

  private func severity(of server: ServerAssessment, answered: Bool, isBackup: Bool) -> Severity {
    if !answered, server.stateSource == "partner" {
      // Its partner is in touch with it: the state it reports counts as the server's own.
      // One that is in the inventory but cannot be asked is at least a warning: it serves,
      // but nothing here would see it stop.
      let seen = KeaHAState.severity(of: server.state)
      return server.appliance == nil ? seen : max(seen, .warning)
    }
    if server.appliance == nil { return .unknown }
    if !answered {
      return server.controlStatus == .offline ? .critical : .unknown
    }
    var severity = KeaHAState.severity(of: server.state)
    if server.heartbeatStatus == .failed { severity = max(severity, .warning) }
    if let age = server.statusAgeSeconds, age > 300 { severity = max(severity, .warning) }
    return severity
  }

  private func summary(
    _ server: ServerAssessment, partnerState: String?, partnerScopes: [String]?,
    partnerName: String?,
    monitored: Bool, isBackup: Bool
  ) -> String {
    let unreachable = server.partnerViewState == Self.unreachable
    if !monitored {
      if let state = server.state {
        return "Tied to no inventory appliance; its partner sees it in \(state)."
      }
      if unreachable {
        return "Tied to no inventory appliance, and its partner cannot reach it."
      }
      return isBackup
        ? "Tied to no inventory appliance: nothing reports on a backup server, so add it to see its state."
        : "Tied to no inventory appliance, and its partner has no view of it."
    }
    if let reason = server.reason {
      let seen =
        server.stateSource == "partner"
        ? " Its partner is in touch with it and sees it in \(server.state ?? "an unknown state"), so it serves; only this report cannot ask it."
        : unreachable ? " Its partner cannot reach it either." : ""
      return "Cannot be asked: \(reason).\(seen)"
    }
    let partner = partnerName ?? "its partner"
    if let age = server.statusAgeSeconds, age > 60 {
      return "Stale: its status is \(age) s old, so what it reports may no longer be true."
    }
    switch server.state {
    case "terminated":
      return
        "HA is terminated: it serves its own clients but exchanges no lease updates with \(partner); the lease databases drift apart until both servers are restarted with synchronised clocks."
    case "in-maintenance":
      return "In maintenance: it serves no clients and can be shut down safely."
    case "partner-in-maintenance":
      return "Serves all clients while \(partner) is in maintenance."
    case "partner-down":
      return "Has taken over: it serves all clients because it judged \(partner) down."
    case "communication-recovery":
      return "Cannot reach \(partner): it keeps serving its own clients and queues lease updates."
    case "waiting", "syncing", "ready":
      return "Starting HA (\(server.state ?? "")): it serves no clients yet."
    case "backup":
      return "A backup: it receives lease updates and serves no clients."
    default: break
    }
    if let progress = server.failoverProgress, progress.percent != nil {
      return
        "\(partner) has started the failover procedure: \(progress.label); at the threshold it takes over this server's clients."
    }
    if server.heartbeatStatus == .failed {
      return "\(partner) has lost heartbeat contact with it."
    }
    if server.scopes?.isEmpty == true { return "Answers no DHCP traffic." }
    if let partnerScopes, partnerScopes.isEmpty, partnerState != nil {
      return "Answers all DHCP traffic."
    }
    return server.state == "passive-backup"
      ? "Answers all DHCP traffic and sends lease updates to its backups."
      : "Answers its share of DHCP traffic."
  }

  /// The worst of its findings and of the servers it monitors: a backup outside the inventory
  /// is not watched by anything, so it does not count.
  static func severity(servers: [ServerAssessment], findings: [Finding]) -> Severity {
    let monitored = servers.filter { $0.appliance != nil || $0.role != "backup" }
    return Severity.worst(monitored.map(\.severity) + findings.map(\.severity))
  }

  static func relationshipSummary(servers: [ServerAssessment], findings: [Finding], mode: String?)
    -> String
  {
    if let worst = findings.max(by: { $0.severity < $1.severity }), worst.severity >= .warning {
      return worst.message
    }
    if let server = servers.max(by: { $0.severity < $1.severity }), server.severity > .ok {
      return "\(server.name): \(server.summary)"
    }
    return "Healthy: \(mode ?? "HA") with every server in its normal state."
  }
}
