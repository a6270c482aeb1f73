import Foundation

/// How one region's snapshot came into a merged snapshot: where it was read from, when its
/// data was collected, and whether the page may show that data as current.
///
/// A merged snapshot keeps these, so `render --snapshot` of a merged snapshot gives the merged
/// page again, and the next merge knows each region's last good data and usual interval.
public struct RegionReport: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable, CaseIterable {
    /// Read, verified, and young enough.
    case fresh
    /// Read and verified, but older than the region's maximum age.
    case stale
    /// Missing, unreadable, failing its digest or made by an incompatible version: what the
    /// page shows of it (if anything) is the last good data an earlier merge had.
    case unusable
  }

  /// The name given on the command line (`--region NAME=…`).
  public var name: String
  /// The file or folder it was read from, as given.
  public var source: String
  public var status: Status
  /// Why it is stale or unusable, in one sentence; nil when fresh.
  public var problem: String?
  /// When the data shown for it was collected; nil when there is none.
  public var collectedAt: Date?
  /// The program that collected the data shown.
  public var generator: String?
  /// SHA-256 of the snapshot bytes the data shown came from.
  public var snapshotDigest: String?
  /// How old its snapshot may be before it is stale, in seconds.
  public var maximumAgeSeconds: Int
  /// The last few intervals between its successive snapshots, oldest first, as successive
  /// merges saw them; they set the default maximum age.
  public var intervalsSeconds: [Int]
  /// The judging thresholds of the region's run; nil for the defaults.
  public var judging: JudgingThresholds? = nil

  public init(
    name: String, source: String, status: Status, problem: String? = nil,
    collectedAt: Date? = nil, generator: String? = nil, snapshotDigest: String? = nil,
    maximumAgeSeconds: Int, intervalsSeconds: [Int] = []
  ) {
    self.name = name
    self.source = source
    self.status = status
    self.problem = problem
    self.collectedAt = collectedAt
    self.generator = generator
    self.snapshotDigest = snapshotDigest
    self.maximumAgeSeconds = maximumAgeSeconds
    self.intervalsSeconds = intervalsSeconds
  }
}
