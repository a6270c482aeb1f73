import Foundation

/// The evidence of one run: what every appliance answered, when, and from where.
///
/// Everything the page shows is a pure function of this value (and the archive), so
/// `render --snapshot` reproduces a page byte for byte.
public struct Snapshot: Codable, Sendable, Equatable {
  /// Bumped when the shape changes in a way older readers cannot follow.
  public static let currentFormat = 1

  public var format: Int
  /// The program and version that collected it.
  public var generator: String
  /// When collection started, in UTC; "now" for every age on the page.
  public var collectedAt: Date
  /// How long collection took, in milliseconds.
  public var durationMilliseconds: Int
  /// SHA-256 of the inventory file's bytes, so a report can be tied to its input.
  public var inventoryDigest: String
  /// One entry per inventory appliance, in inventory order.
  public var appliances: [ApplianceObservation]
  /// Set only on a merged snapshot: the regions it joins, in command-line order. Each
  /// appliance then names its region.
  public var regions: [RegionReport]?
  /// The inventory's judging thresholds; nil when it set none (the defaults apply).
  public var judging: JudgingThresholds? = nil
  /// The acknowledgements and maintenance windows the run was given; nil without a file.
  public var acknowledgements: Acknowledgements? = nil
  /// True on a copy made to share (`--share`), in which every name and address is a
  /// pseudonym; nil on the run's own snapshot.
  public var pseudonymized: Bool? = nil

  public init(
    generator: String, collectedAt: Date, durationMilliseconds: Int, inventoryDigest: String,
    appliances: [ApplianceObservation], regions: [RegionReport]? = nil,
    judging: JudgingThresholds? = nil
  ) {
    self.format = Self.currentFormat
    self.generator = generator
    self.collectedAt = collectedAt
    self.durationMilliseconds = durationMilliseconds
    self.inventoryDigest = inventoryDigest
    self.appliances = appliances
    self.regions = regions
    self.judging = judging
  }
}

extension Snapshot {
  /// Foundation's encoder set to write what `encodedJSON()` writes by hand, and the reference
  /// it is tested against: compact, sorted keys (Foundation's encoder otherwise writes them in
  /// hash order, which changes from process to process) and whole-second UTC dates, so the
  /// same snapshot always gives the same bytes. Not pretty-printed: that made the page a
  /// third larger; `jq .` pretty-prints it.
  public static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(Timestamp.iso(date))
    }
    return encoder
  }

  /// The decoder that reads `snapshot.json` back.
  public static func makeDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }
}
