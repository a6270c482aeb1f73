// Shared by the collector fuzz targets: what an input decoded to goes on through the assessor,
// as it would in a run, so a value that decodes but breaks the arithmetic downstream is found
// too. docs/fuzzing.md builds it into each target (Benchmarks/Fuzz/build.sh).
import Assessment
import Foundation
import Snapshot

enum FuzzSupport {
  /// A fixed "now", so that ages and state times are computed against the same instant each run.
  static let now = Date(timeIntervalSince1970: 1_790_000_000)

  /// Assesses the observation beside a copy of itself under another name, so that the fuzzed
  /// values also go through pairing (names, scopes and states compared across servers).
  static func assess(_ observation: ApplianceObservation) {
    var twin = observation
    twin.name = "fuzzed-twin"
    let snapshot = Snapshot(
      generator: "fuzz", collectedAt: now, durationMilliseconds: 0, inventoryDigest: "",
      appliances: [observation, twin])
    _ = Assessor.assess(snapshot)
  }

  static func observation(kind: ApplianceKind) -> ApplianceObservation {
    ApplianceObservation(
      name: "fuzzed", kind: kind, site: nil, endpoint: "fuzz://", service: nil, askedAt: now,
      durationMilliseconds: 1)
  }
}
