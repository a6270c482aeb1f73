import Foundation
import Snapshot

/// Every region of a merge silent for longer than any of them may be late, by the merging
/// machine's clock.
///
/// A merge judges each region against the newest regional snapshot, never against the clock,
/// so that the same snapshots give the same page. When every regional run stops at once, the
/// newest snapshot is old too, each region still looks current beside it, and the page would
/// stay green for ever. This is the one place a merge reads the clock: it changes the status
/// line and the exit code, never the page.
public struct SilentRegions: Sendable, Equatable {
  /// The newest regional snapshot's collection time: the merged page's "now".
  public var newest: Date
  /// How long before the merge that was, by the clock.
  public var silenceSeconds: Int
  /// The largest maximum age of the merge's regions.
  public var limitSeconds: Int

  /// Nil when the newest snapshot is within `limitSeconds` of `clock`.
  public static func check(newest: Date, limitSeconds: Int, clock: Date) -> SilentRegions? {
    let silence = Int(clock.timeIntervalSince(newest))
    guard silence > limitSeconds else { return nil }
    return SilentRegions(newest: newest, silenceSeconds: silence, limitSeconds: limitSeconds)
  }

  /// The status line's clause: "; no region has published for 2 h: …".
  public var clause: String {
    "; no region has published for \(ElapsedText.of(silenceSeconds)): the newest snapshot is of \(Timestamp.iso(newest)), more than the largest maximum age (\(ElapsedText.of(limitSeconds))) ago by this machine's clock"
  }
}
