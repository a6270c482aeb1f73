import Foundation
import Snapshot

/// One region of a merged page: where its snapshot came from, how old it is, and whether the
/// page shows its relationships as current.
public struct RegionAssessment: Sendable, Equatable {
  public var name: String
  public var source: String
  public var status: RegionReport.Status
  /// `ok` when fresh; `unknown` when stale or unusable: what happens there now is not known.
  public var severity: Severity
  public var problem: String?
  /// When the data shown for it was collected; nil when there is none.
  public var collectedAt: Date?
  /// How much older than the merged snapshot its data is.
  public var ageSeconds: Int?
  public var maximumAgeSeconds: Int
  public var generator: String?
  public var applianceCount: Int
  public var relationshipCount: Int

  init(_ report: RegionReport, now: Date, applianceCount: Int, relationshipCount: Int) {
    name = report.name
    source = report.source
    status = report.status
    severity = report.status == .fresh ? .ok : .unknown
    problem = report.problem
    collectedAt = report.collectedAt
    ageSeconds = report.collectedAt.map { max(0, Int(now.timeIntervalSince($0))) }
    maximumAgeSeconds = report.maximumAgeSeconds
    generator = report.generator
    self.applianceCount = applianceCount
    self.relationshipCount = relationshipCount
  }
}
