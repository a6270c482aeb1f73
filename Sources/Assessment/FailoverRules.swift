import Foundation
import Snapshot

/// One side of a failover-protocol pair, as the evidence shows it at the snapshot's time.
struct FailoverSide: Sendable, Equatable {
  /// The appliance, or "X's partner" when only X's view of it is known.
  var name: String
  /// The state in the protocol's spelling; nil when nothing reports it.
  var state: String?
  /// When it entered the state.
  var since: Date?
  /// The appliance that reported this side's state, when it is not the side itself.
  var reportedBy: String?
}

/// The rule set for ISC dhcpd and EdgeConnect pairs, written down in `docs/judging.md`.
///
/// Both sides count, whoever reported them: a partner that one server sees in partner-down
/// serves alone, whether or not the partner is in the inventory. Every judgement is made at
/// the snapshot's time from the states and how long they have lasted, never from the clock.
struct FailoverRules {
  let now: Date
  let thresholds: JudgingThresholds

  /// What the pair's two sides say together, worst first.
  func findings(_ first: FailoverSide, _ second: FailoverSide, mclt: Int?) -> [Finding] {
    if canonical(first.state) == "partner-down", canonical(second.state) == "partner-down" {
      let split = Finding(
        .critical, "split-brain",
        "Split-brain: \(clause(first)), and \(clause(second)): each serves every client alone and allocates from the whole pool, so the same address can be given out twice."
      )
      let rest =
        (findings(first, partner: second, mclt: mclt)
        + findings(second, partner: first, mclt: mclt)).filter { $0.code != "serving-alone" }
      return Self.ordered([split] + rest)
    }
    var result = findings(first, partner: second, mclt: mclt)
    // Both sides of one interruption say the same thing: keep the longer one.
    for finding in findings(second, partner: first, mclt: mclt) {
      if Self.interruptionCodes.contains(finding.code),
        let index = result.firstIndex(where: { Self.interruptionCodes.contains($0.code) })
      {
        if finding.severity > result[index].severity { result[index] = finding }
        continue
      }
      result.append(finding)
    }
    return Self.ordered(result)
  }

  static let interruptionCodes: Set<String> = ["interrupted", "long-interruption"]

  /// Within one severity, what matters most first: a page's summary is its first finding.
  static let precedence = [
    "split-brain", "potential-conflict", "serving-alone", "recover-wait-stuck",
    "long-interruption", "long-transition", "interrupted", "recover-wait", "transition",
    "state-unknown",
  ]

  static func ordered(_ findings: [Finding]) -> [Finding] {
    func rank(_ finding: Finding) -> Int {
      precedence.firstIndex(of: finding.code) ?? precedence.count
    }
    return findings.enumerated().sorted { lhs, rhs in
      if lhs.element.severity != rhs.element.severity {
        return lhs.element.severity > rhs.element.severity
      }
      let (left, right) = (rank(lhs.element), rank(rhs.element))
      return left != right ? left < right : lhs.offset < rhs.offset
    }.map(\.element)
  }

  /// What one side's state says on its own, given what is known of its partner.
  func findings(_ side: FailoverSide, partner: FailoverSide, mclt: Int?) -> [Finding] {
    guard let state = side.state else {
      return [Finding(.unknown, "state-unknown", "Nothing reports the state of \(side.name).")]
    }
    let other = partner.name
    switch canonical(state) {
    case "normal":
      return []
    case "partner-down":
      return [
        Finding(
          .critical, "serving-alone",
          "\(clause(side)): it serves every client alone, so there is no redundancy until \(other) has recovered and both are in normal again."
        )
      ]
    case "potential-conflict", "resolution-interrupted":
      return [
        Finding(
          .critical, "potential-conflict",
          "\(clause(side)): the two servers may have given out the same addresses, and neither can be trusted until they have reconciled."
        )
      ]
    case "communications-interrupted", "unknown-state":
      return [interruption(side, other: other, mclt: mclt)]
    case "recover-wait":
      if let wait = waitEnd(side, mclt: mclt) {
        return [recoverWait(side, other: partner, end: wait)]
      }
      return [
        transition(
          side, other: other,
          meaning:
            "it waits one MCLT before recover-done, and when the wait ends is not known (\(mclt == nil ? "no MCLT" : "no state time") is reported)"
        )
      ]
    case "recover", "recover-done", "startup", "paused", "shutdown", "conflict-done":
      return [transition(side, other: other, meaning: Self.meaning[canonical(state)] ?? "")]
    default:
      return [
        Finding(
          .unknown, "state-unknown",
          "\(side.name)\(reported(side)) reports \(state), which is not a failover-protocol state.")
      ]
    }
  }

  /// When a side in recover-wait may go on: its state time plus one MCLT.
  func waitEnd(_ side: FailoverSide, mclt: Int?) -> Date? {
    guard canonical(side.state) == "recover-wait", let since = side.since, let mclt, mclt > 0
    else { return nil }
    return since.addingTimeInterval(Double(mclt))
  }

  /// Whether a side in recover-wait is past its wait by more than the grace.
  func isStuck(_ end: Date) -> Bool {
    now.timeIntervalSince(end) > Double(thresholds.recoverWaitSlack)
  }

  /// How long the side has been in its state, in whole seconds; nil when unknown.
  func age(_ side: FailoverSide) -> Int? {
    side.since.map { max(0, Int(now.timeIntervalSince($0).rounded(.down))) }
  }

  private func interruption(_ side: FailoverSide, other: String, mclt: Int?) -> Finding {
    let limit = thresholds.interruptionLimit(mclt: mclt)
    let lost: String
    if canonical(side.state) != "unknown-state" {
      lost = "\(side.name)\(reported(side)) cannot exchange failover messages with \(other)"
    } else if let reporter = side.reportedBy {
      lost = "\(reporter) has had no answer from its partner (it reports the state as unknown)"
    } else {
      lost = "\(side.name) reports its own state as unknown: it has no contact with \(other)"
    }
    let lasting = age(side).map { " for \(ElapsedText.of($0))" } ?? " since an unknown time"
    if let age = age(side), age >= limit {
      let since = side.since.map { " since \(Timestamp.text($0))" } ?? ""
      let held = mclt.map { " (\(ElapsedText.of($0)))" } ?? ""
      return Finding(
        .critical, "long-interruption",
        "Interrupted too long: \(lost)\(lasting), more than \(ElapsedText.of(limit)). Their leases have not been synchronised\(since), every lease given meanwhile is held to the MCLT\(held), and if one server fails the other cannot take over its clients until an operator puts it in partner-down. Restore the failover link, or put the survivor in partner-down if \(other) is really gone."
      )
    }
    return Finding(
      .warning, "interrupted",
      "\(lost)\(lasting): both serve clients on their own, each assuming the other is alive; critical after \(ElapsedText.of(limit))."
    )
  }

  private func recoverWait(_ side: FailoverSide, other: FailoverSide, end: Date) -> Finding {
    let who = "\(side.name)\(reported(side))"
    if isStuck(end) {
      let overdue = Int(now.timeIntervalSince(end).rounded(.down))
      let partnerState = other.state.map { " (it is in \($0))" } ?? ""
      return Finding(
        .critical, "recover-wait-stuck",
        "Stuck in recover-wait: \(who) should have gone on to recover-done when its one-MCLT wait ended at \(Timestamp.text(end)), \(ElapsedText.of(overdue)) ago. Check that \(other.name) answers\(partnerState) and that the failover link between them is up."
      )
    }
    let left = max(0, Int(end.timeIntervalSince(now).rounded(.up)))
    return Finding(
      .warning, "recover-wait",
      "\(who) waits one MCLT, until \(Timestamp.text(end)) (\(ElapsedText.of(left)) after this snapshot), before recover-done, so that no lease it promised can clash."
    )
  }

  private func transition(_ side: FailoverSide, other: String, meaning: String) -> Finding {
    let limit = thresholds.transitionLimit
    if let age = age(side), age >= limit {
      return Finding(
        .critical, "long-transition",
        "Stuck in \(side.state ?? "a transition"): \(clause(side)), more than \(ElapsedText.of(limit)) (\(meaning)). That step normally takes seconds to minutes: check \(other) and the failover link between them."
      )
    }
    return Finding(
      .warning, "transition",
      "\(clause(side)): \(meaning); critical after \(ElapsedText.of(limit)).")
  }

  private static let meaning = [
    "recover": "it relearns the bindings from its partner and serves no clients meanwhile",
    "recover-done": "its recovery is finished and it moves to normal once its partner agrees",
    "startup": "it has not yet decided which state to be in",
    "paused": "its daemon was stopped for a while",
    "shutdown": "it was shut down on purpose",
    "conflict-done": "it is reconciling the bindings after a conflict",
  ]

  /// "dhcp-b has been in partner-down for 12 d 4 h", with who reported it.
  private func clause(_ side: FailoverSide) -> String {
    let state = side.state ?? "an unknown state"
    let who = "\(side.name)\(reported(side))"
    guard let age = age(side) else { return "\(who) is in \(state), since an unknown time" }
    return "\(who) has been in \(state) for \(ElapsedText.of(age))"
  }

  private func reported(_ side: FailoverSide) -> String {
    side.reportedBy.map { " (as \($0) reports it)" } ?? ""
  }

  private func canonical(_ state: String?) -> String {
    FailoverProtocolState.named(state)?.name ?? (state ?? "")
  }

}
