/// How long a state may last before the page escalates it, as the inventory sets it.
///
/// A snapshot records the thresholds its run used, so `render --snapshot` judges it the same
/// way years later; a snapshot from before they existed, or from an inventory that sets none,
/// is judged with the defaults.
public struct JudgingThresholds: Codable, Sendable, Equatable {
  /// A lost connection between partners (dhcpd and EdgeConnect `communications-interrupted`,
  /// a partner reported `unknown`, Kea `communication-recovery` or failed heartbeats) is a
  /// warning until it has lasted this many seconds, then critical. Nil: the pair's MCLT, and
  /// never less than an hour.
  public var interruptedCriticalAfter: Int?
  /// A step that normally takes seconds (recover, recover-done, startup, paused, shutdown,
  /// conflict-done; Kea waiting, syncing, ready) is critical once it has lasted this long.
  public var transitionCriticalAfter: Int?
  /// A server still in recover-wait this many seconds after its one-MCLT wait ended is stuck.
  public var recoverWaitGrace: Int?

  /// Without an MCLT, and as the floor under one: an hour.
  public static let defaultInterruptionFloor = 3600
  public static let defaultTransitionCriticalAfter = 3600
  public static let defaultRecoverWaitGrace = 60

  public init(
    interruptedCriticalAfter: Int? = nil, transitionCriticalAfter: Int? = nil,
    recoverWaitGrace: Int? = nil
  ) {
    self.interruptedCriticalAfter = interruptedCriticalAfter
    self.transitionCriticalAfter = transitionCriticalAfter
    self.recoverWaitGrace = recoverWaitGrace
  }

  /// True when the inventory set none of them.
  public var isDefault: Bool { self == JudgingThresholds() }

  /// Seconds an interruption may last for a pair with this MCLT before it is critical.
  public func interruptionLimit(mclt: Int?) -> Int {
    interruptedCriticalAfter ?? max(mclt ?? 0, Self.defaultInterruptionFloor)
  }

  public var transitionLimit: Int { transitionCriticalAfter ?? Self.defaultTransitionCriticalAfter }

  public var recoverWaitSlack: Int { recoverWaitGrace ?? Self.defaultRecoverWaitGrace }

  /// The thresholds in words, one per line, as `check` prints them.
  public var lines: [String] {
    let interrupted =
      interruptedCriticalAfter.map { "critical after \(ElapsedText.of($0))" }
      ?? "critical after the pair's MCLT, at least \(ElapsedText.of(Self.defaultInterruptionFloor)) (default)"
    let transition =
      transitionCriticalAfter.map { "critical after \(ElapsedText.of($0))" }
      ?? "critical after \(ElapsedText.of(Self.defaultTransitionCriticalAfter)) (default)"
    let grace =
      recoverWaitGrace.map { "stuck \(ElapsedText.of($0)) after the wait ends" }
      ?? "stuck \(ElapsedText.of(Self.defaultRecoverWaitGrace)) after the wait ends (default)"
    return [
      "interrupted-critical-after: an interruption is a warning, \(interrupted)",
      "transition-critical-after: a recovery or start-up step is a warning, \(transition)",
      "recover-wait-grace: a server in recover-wait is \(grace)",
    ]
  }
}
