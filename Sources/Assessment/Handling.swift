import Foundation
import Snapshot

/// How an operator's acknowledgement or maintenance window bears on one relationship: the
/// relationship keeps its true severity on the page, and this says whether it counts.
public struct Handling: Sendable, Equatable {
  public enum Kind: String, Sendable {
    /// Acknowledged, in force and not exceeded: left out of the verdict.
    case acknowledged
    /// In a maintenance window, with only the states maintenance brings: left out.
    case planned
    /// The acknowledgement's `until` has passed: it counts again.
    case expired
    /// Worse than the acknowledgement's `up-to`: it counts again.
    case exceeded
    /// The maintenance window has ended and the relationship is not back: it counts.
    case windowEnded = "window-ended"
    /// The problem acknowledged has gone: the entry can be removed.
    case noLongerNeeded = "no-longer-needed"
  }

  public var kind: Kind
  /// Who acknowledged it; nil for a maintenance window.
  public var by: String?
  public var reason: String
  public var ticket: String?
  public var from: Date?
  public var until: Date
  /// The entry's line in the file.
  public var line: Int
  /// One sentence for the page, the email and `-v`.
  public var text: String

  /// Whether the relationship is left out of the verdict, the exit code and the status line's
  /// worst.
  public var excused: Bool { kind == .acknowledged || kind == .planned }
}

/// Applies the acknowledgements file a snapshot carries to the judged relationships.
enum Handlings {
  /// States that maintenance brings to a server or its partner: planned during a window.
  static let maintenanceStates: Set<String> = [
    "in-maintenance", "partner-in-maintenance", "partner-down", "unavailable",
    "communications-interrupted", "communication-recovery",
  ]
  /// Findings that follow from a server being down for maintenance.
  static let maintenanceFindings: Set<String> = [
    "serving-alone", "interrupted", "long-interruption", "state-unknown", "not-monitored",
    "config-unknown",
  ]

  /// Sets each relationship's handling; returns one sentence per entry of the file that
  /// matched no relationship (a typo must not pass silently).
  static func apply(
    _ file: Acknowledgements, to relationships: inout [RelationshipAssessment], now: Date
  ) -> [String] {
    var used = Set<Int>()
    var usedWindows = Set<Int>()
    for index in relationships.indices {
      let relationship = relationships[index]
      let appliances = Set(
        relationship.servers.compactMap(\.appliance) + relationship.failoverRows.map(\.appliance))
      let windows = file.maintenance.indices.filter { position in
        let window = file.maintenance[position]
        return !appliances.isDisjoint(with: window.appliances)
          || relationship.site.map(window.sites.contains) == true
      }
      usedWindows.formUnion(windows)
      let acknowledgements = file.acknowledgements.indices.filter { position in
        let entry = file.acknowledgements[position]
        return !appliances.isDisjoint(with: entry.appliances)
          || (entry.relationship != nil
            && (entry.relationship == relationship.name
              || entry.relationship == relationship.haName))
          || (entry.site != nil && entry.site == relationship.site)
      }
      used.formUnion(acknowledgements)
      relationships[index].handling =
        windowHandling(file.maintenance, windows, relationship, now: now)
        ?? acknowledgementHandling(file.acknowledgements, acknowledgements, relationship, now: now)
    }
    var unused: [String] = []
    for (position, entry) in file.acknowledgements.enumerated() where !used.contains(position) {
      unused.append(
        "\(file.file), line \(entry.line): the acknowledgement by \(entry.by) matches no relationship (\(target(entry))); check the names"
      )
    }
    for (position, window) in file.maintenance.enumerated() where !usedWindows.contains(position) {
      unused.append(
        "\(file.file), line \(window.line): the maintenance window matches no relationship (\((window.appliances + window.sites).joined(separator: ", "))); check the names"
      )
    }
    return unused
  }

  private static func target(_ entry: Acknowledgement) -> String {
    (entry.appliances + [entry.relationship, entry.site].compactMap { $0 }).joined(separator: ", ")
  }

  private static func windowHandling(
    _ windows: [MaintenanceWindow], _ positions: [Int], _ relationship: RelationshipAssessment,
    now: Date
  ) -> Handling? {
    guard relationship.severity > .ok else { return nil }
    let matching = positions.map { windows[$0] }
    if let window = matching.first(where: { $0.from <= now && now < $0.until }) {
      guard explainedByMaintenance(relationship) else { return nil }
      return Handling(
        kind: .planned, by: nil, reason: window.reason, ticket: nil, from: window.from,
        until: window.until, line: window.line,
        text:
          "Planned: maintenance from \(Timestamp.text(window.from)) to \(Timestamp.text(window.until)) (\(window.reason)); the states it brings are not counted."
      )
    }
    if let window = matching.filter({ $0.until <= now }).max(by: { $0.until < $1.until }) {
      return Handling(
        kind: .windowEnded, by: nil, reason: window.reason, ticket: nil, from: window.from,
        until: window.until, line: window.line,
        text:
          "The maintenance window (\(window.reason)) ended at \(Timestamp.text(window.until)) and the relationship is not back: it counts again."
      )
    }
    return nil
  }

  private static func acknowledgementHandling(
    _ entries: [Acknowledgement], _ positions: [Int], _ relationship: RelationshipAssessment,
    now: Date
  ) -> Handling? {
    // The entry that lasts longest speaks for the relationship.
    guard let entry = positions.map({ entries[$0] }).max(by: { $0.until < $1.until }) else {
      return nil
    }
    let who = "\(entry.by)\(entry.ticket.map { ", \($0)" } ?? "")"
    let kind: Handling.Kind
    let text: String
    let covered = Severity(rawValue: entry.upTo) ?? .critical
    if relationship.severity == .ok {
      kind = .noLongerNeeded
      text =
        "Acknowledged by \(who) (\(entry.reason)), but healthy now: the acknowledgement is no longer needed and can be removed."
    } else if now >= entry.until {
      kind = .expired
      text =
        "The acknowledgement by \(who) (\(entry.reason)) expired at \(Timestamp.text(entry.until)): it counts again."
    } else if relationship.severity > covered {
      kind = .exceeded
      text =
        "Acknowledged by \(who) up to \(entry.upTo) (\(entry.reason)), but it is \(relationship.severity.rawValue) now: it counts again."
    } else {
      kind = .acknowledged
      text =
        "Acknowledged by \(who) until \(Timestamp.text(entry.until)): \(entry.reason). Not counted in the verdict."
    }
    return Handling(
      kind: kind, by: entry.by, reason: entry.reason, ticket: entry.ticket, from: nil,
      until: entry.until, line: entry.line, text: text)
  }

  /// Whether every problem of the relationship is one that maintenance brings: a server in
  /// maintenance or down, its partner serving alone or waiting for it.
  static func explainedByMaintenance(_ relationship: RelationshipAssessment) -> Bool {
    let servers = relationship.servers.filter { $0.severity > .ok }.allSatisfy { server in
      server.state.map(maintenanceStates.contains) == true || server.reason != nil
        || server.controlStatus == .offline
    }
    let rows = relationship.failoverRows.filter { $0.severity > .ok }.allSatisfy { row in
      row.myState.map { maintenanceStates.contains(FailoverProtocolState.named($0)?.name ?? $0) }
        == true || row.reason != nil
    }
    let findings = relationship.findings.filter { $0.severity > .ok }.allSatisfy {
      maintenanceFindings.contains($0.code)
    }
    return servers && rows && findings
  }
}
