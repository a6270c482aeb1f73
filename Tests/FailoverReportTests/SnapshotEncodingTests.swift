import Foundation
import Snapshot
import Testing

/// The snapshot encoded in slices on every core must be the very bytes the plain encoder
/// writes: `snapshot.json`, the embedded copy and `render --snapshot` all rely on it.
@Suite("Snapshot encoding in slices")
struct SnapshotEncodingTests {
  static func snapshot(appliances count: Int) throws -> Snapshot {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    var observations: [ApplianceObservation] = []
    let captures = FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path)
    for index in 0..<count {
      var observation: ApplianceObservation
      if captures, index % 3 != 2 {
        observation = try KeaCaptureDecodingTests.observation(
          "server\(index % 2 + 1)", file: "lb/lb-normal.server\(index % 2 + 1).status-get.json",
          config: "lb/lb-normal.server\(index % 2 + 1).config-get.json", askedAt: now)
        observation.exchanges = [
          RawExchange(
            command: "status-get", httpStatus: 200, body: "{\"text\": \"é \\\" </script>\"}",
            truncated: false)
        ]
      } else {
        observation = ApplianceObservation(
          name: "gone-\(index)", kind: .kea, site: "dc \(index)", endpoint: "http://127.0.0.1:9/",
          service: "dhcp4", askedAt: now, durationMilliseconds: 2000,
          failure: CollectionFailure(.timeout, "no answer within 2 s"))
      }
      observation.name += "-\(index)"
      observations.append(observation)
    }
    return Snapshot(
      generator: "test", collectedAt: now, durationMilliseconds: 2100, inventoryDigest: "abc",
      appliances: observations)
  }

  @Test(
    "byte for byte the plain encoder's output",
    arguments: [0, 1, 2, 3, 5, 17])
  func sameBytes(appliances: Int) async throws {
    let snapshot = try Self.snapshot(appliances: appliances)
    let plain = Array(try Snapshot.makeEncoder().encode(snapshot))
    for slices in [1, 2, 3, 4, 8, 64] {
      let sliced = try await snapshot.encodedJSON(slices: slices)
      #expect(sliced == plain, "\(appliances) appliances in \(slices) slices")
    }
    let decoded = try Snapshot.makeDecoder().decode(Snapshot.self, from: Data(plain))
    #expect(decoded == snapshot)
  }
}
