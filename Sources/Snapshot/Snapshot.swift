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

  public init(
    generator: String, collectedAt: Date, durationMilliseconds: Int, inventoryDigest: String,
    appliances: [ApplianceObservation]
  ) {
    self.format = Self.currentFormat
    self.generator = generator
    self.collectedAt = collectedAt
    self.durationMilliseconds = durationMilliseconds
    self.inventoryDigest = inventoryDigest
    self.appliances = appliances
  }
}

extension Snapshot {
  /// The encoder that writes `snapshot.json`: compact, sorted keys (Foundation's encoder
  /// otherwise writes them in hash order, which changes from process to process) and
  /// whole-second UTC dates, so the same snapshot always gives the same bytes. Not
  /// pretty-printed: on a large snapshot that made encoding, which is most of rendering the
  /// page, markedly slower and the page a third larger; `jq .` pretty-prints it.
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

extension Snapshot {
  /// The same bytes as `makeEncoder().encode(self)`, made on every core: the appliances are
  /// encoded in slices at once and joined into the envelope. Foundation's encoder is most of
  /// the time it takes to turn a large fleet's snapshot into a page, and it runs on one core.
  ///
  /// Byte for byte equal because the encoder writes an array of objects as `[a,b]` with no
  /// spaces, and with sorted keys `appliances` is the envelope's first key.
  public func encodedJSON(slices: Int = ProcessInfo.processInfo.activeProcessorCount * 2)
    async throws -> [UInt8]
  {
    let count = appliances.count
    let sliceCount = min(max(1, slices), count)
    guard sliceCount > 1 else { return Array(try Self.makeEncoder().encode(self)) }
    var envelope = self
    envelope.appliances = []
    let head = Array(#"{"appliances":[]"#.utf8)
    let empty = Array(try Self.makeEncoder().encode(envelope))
    // The sorted-keys envelope starts with the empty list; anything else means the encoder's
    // format changed, and the plain encoding is the safe answer.
    guard empty.starts(with: head) else { return Array(try Self.makeEncoder().encode(self)) }
    let parts = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
      for slice in 0..<sliceCount {
        let range = (count * slice / sliceCount)..<(count * (slice + 1) / sliceCount)
        let members = Array(appliances[range])
        group.addTask { (slice, Array(try Self.makeEncoder().encode(members))) }
      }
      var parts = [[UInt8]](repeating: [], count: sliceCount)
      for try await (slice, bytes) in group { parts[slice] = bytes }
      return parts
    }
    var json = Array(head.dropLast())
    json.reserveCapacity(parts.reduce(empty.count) { $0 + $1.count })
    for (index, part) in parts.enumerated() {
      if index > 0 { json.append(UInt8(ascii: ",")) }
      json += part.dropFirst().dropLast()  // each slice's own [ and ]
    }
    json += empty.dropFirst(head.count - 1)
    return json
  }
}
