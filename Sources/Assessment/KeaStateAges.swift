import Foundation
import Snapshot

/// How long each Kea server has been in its state, from the archive.
///
/// Kea reports no state times, so the age is what the runs say: the runs in a row, up to this
/// one, that saw the server in the same state. That is a lower bound (the state began at or
/// before the first of them), shown as "for at least …". Only states that need watching are
/// aged; a healthy state's age says nothing.
enum KeaStateAges {
  /// Steps of starting HA that take seconds to minutes when all is well.
  static let startingStates: Set<String> = ["waiting", "syncing", "ready"]

  /// Sets each server's `stateSeenSince` and escalates what has lasted past the thresholds;
  /// the relationship's severity and summary follow.
  static func apply(
    to relationship: inout RelationshipAssessment, history: History, now: Date,
    thresholds: JudgingThresholds
  ) {
    guard relationship.kind == .kea, let records = history.records[relationship.id] else {
      return
    }
    var escalated = false
    let count = relationship.servers.count
    for position in relationship.servers.indices {
      let server = relationship.servers[position]
      guard let state = server.state, KeaHAState.severity(of: state) != .ok,
        let since = firstSeen(
          state, at: position, of: count, records: records, runs: history.runs, now: now)
      else { continue }
      let age = Int(now.timeIntervalSince(since))
      relationship.servers[position].stateSeenSince = since
      relationship.servers[position].stateAtLeastSeconds = age
      guard server.severity < .critical, server.appliance != nil else { continue }
      if startingStates.contains(state), age >= thresholds.transitionLimit {
        relationship.servers[position].severity = .critical
        relationship.servers[position].summary =
          "Stuck starting HA: it has been in \(state) in every run for at least \(ElapsedText.of(age)), more than \(ElapsedText.of(thresholds.transitionLimit)), and serves no clients meanwhile. Starting normally takes seconds to minutes: check that its partner answers and that the lease database synchronisation is not failing."
        escalated = true
      } else if state == "communication-recovery",
        age >= thresholds.interruptionLimit(mclt: nil)
      {
        let limit = thresholds.interruptionLimit(mclt: nil)
        relationship.servers[position].severity = .critical
        relationship.servers[position].summary =
          "Interrupted too long: it has been in communication-recovery in every run for at least \(ElapsedText.of(age)), more than \(ElapsedText.of(limit)). Lease updates are not reaching its partner, so the two lease databases drift apart; restore the link between them."
        escalated = true
      }
    }
    guard escalated else { return }
    relationship.severity = KeaAssessor.severity(
      servers: relationship.servers, findings: relationship.findings)
    relationship.summary = KeaAssessor.relationshipSummary(
      servers: relationship.servers, findings: relationship.findings, mode: relationship.mode)
  }

  /// The earliest run of the unbroken streak of runs before `now` that saw the server at
  /// `position` in `state`; nil when the run before this one did not.
  static func firstSeen(
    _ state: String, at position: Int, of count: Int, records: [RelationshipRecord],
    runs: [Date], now: Date
  ) -> Date? {
    var since: Date?
    var index = records.count - 1
    while index >= 0, records[index].at >= now { index -= 1 }
    var run = runs.count - 1
    while run >= 0, runs[run] >= now { run -= 1 }
    // Walk back run by run: a run that did not see the relationship ends the streak.
    while run >= 0, index >= 0, records[index].at == runs[run] {
      let states = records[index].states.split(separator: "/", omittingEmptySubsequences: false)
      guard states.count == count, states[position] == state else { break }
      since = runs[run]
      index -= 1
      run -= 1
    }
    return since
  }
}
