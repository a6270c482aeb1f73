import Foundation

/// A relationship's severity over time, drawn from the runs that saw it.
///
/// A run's severity holds until the next run, but never longer than `maxGap`: when the job did
/// not run for a while, that time is "no data", not the last thing seen.
public struct SeverityTimeline: Sendable, Equatable {
  /// Past runs and this one, oldest first.
  public var records: [RelationshipRecord]
  public var now: Date
  public var maxGap: TimeInterval

  public init(records: [RelationshipRecord], now: Date, maxGap: TimeInterval = 3600) {
    self.records = records.sorted { $0.at < $1.at }
    self.now = now
    self.maxGap = maxGap
  }

  /// Each run's severity with the span it stands for.
  private var intervals: [(start: Date, end: Date, severity: Severity)] {
    records.enumerated().compactMap { index, record in
      let next = index + 1 < records.count ? records[index + 1].at : now
      let end = min(next, record.at.addingTimeInterval(maxGap), now)
      return end > record.at ? (record.at, end, record.severity) : nil
    }
  }

  /// Seconds spent in each severity during the `window` before now, and the seconds covered
  /// by runs at all.
  public func time(inLast window: TimeInterval) -> (
    bySeverity: [Severity: TimeInterval], covered: TimeInterval
  ) {
    let start = now.addingTimeInterval(-window)
    var seconds: [Severity: TimeInterval] = [:]
    var covered: TimeInterval = 0
    for interval in intervals {
      let overlap =
        min(interval.end, now).timeIntervalSince(max(interval.start, start))
      guard overlap > 0 else { continue }
      seconds[interval.severity, default: 0] += overlap
      covered += overlap
    }
    return (seconds, covered)
  }

  /// The `window` before now cut into `slots` equal slots, each with the worst severity seen
  /// in it (nil: no run covered it), merged into runs of equal slots.
  public func segments(inLast window: TimeInterval, slots: Int) -> [(
    severity: Severity?, slots: Int
  )] {
    guard slots > 0 else { return [] }
    let start = now.addingTimeInterval(-window)
    let width = window / Double(slots)
    var worst: [Severity?] = Array(repeating: nil, count: slots)
    for interval in intervals {
      let first = max(0, Int((interval.start.timeIntervalSince(start) / width).rounded(.down)))
      let last = min(
        slots - 1, Int((interval.end.timeIntervalSince(start) / width).rounded(.up)) - 1)
      guard first <= last else { continue }
      for slot in first...last {
        worst[slot] = worst[slot].map { max($0, interval.severity) } ?? interval.severity
      }
    }
    var runs: [(severity: Severity?, slots: Int)] = []
    for severity in worst {
      if let lastRun = runs.last, lastRun.severity == severity {
        runs[runs.count - 1].slots += 1
      } else {
        runs.append((severity, 1))
      }
    }
    return runs
  }
}
