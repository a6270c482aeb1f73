import Assessment
import Foundation
import Parallelism
import Snapshot
import Templating

/// A relationship's card: its servers or failover rows, what to do, and how each server is.
extension PageView {
  func relationship(_ relationship: RelationshipAssessment) -> TemplateValue {
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
  func todo(_ relationship: RelationshipAssessment) -> TemplateValue {
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
  static func condition(of server: ServerAssessment) -> (Severity, String?) {
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

  func server(_ server: ServerAssessment, said: Set<String>, cardSummary: String)
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

  func failoverRow(_ row: FailoverRow, said: Set<String>) -> TemplateValue {
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
}
