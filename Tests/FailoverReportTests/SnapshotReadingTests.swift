import Foundation
import JSONText
import Snapshot
import Testing

/// `Snapshot.decoded(fromJSON:)` reads `snapshot.json` by hand; `merge`, `render --snapshot`
/// and the archive rely on it reading what Foundation's decoder (`Snapshot.makeDecoder()`)
/// reads, refusing what it refuses, and leaving no property out.
@Suite("Snapshot JSON read back")
struct SnapshotReadingTests {
  static func foundation(_ bytes: [UInt8]) throws -> Snapshot {
    try Snapshot.makeDecoder().decode(Snapshot.self, from: Data(bytes))
  }

  @Test(
    "random snapshots of every shape read back whole, as Foundation reads them", arguments: 0..<40)
  func randomSnapshots(seed: Int) throws {
    var random = SplitMix64(seed: UInt64(seed))
    let snapshot = RandomSnapshot.make(using: &random, everything: seed == 0)
    let json = snapshot.encodedJSON()
    let read = try Snapshot.decoded(fromJSON: json)
    #expect(read == snapshot)
    #expect(read == (try Self.foundation(json)))
  }

  @Test("lab answers and the pinned page's snapshot read as Foundation reads them")
  func labAnswers() throws {
    let pinned = try TestSupport.read(
      TestSupport.fixtures.appendingPathComponent("pinned-page/snapshot.json"))
    #expect(try Snapshot.decoded(fromJSON: pinned) == (try Self.foundation(pinned)))
    let lab = try SnapshotJSONTests.snapshot(appliances: 17)
    #expect(try Snapshot.decoded(fromJSON: lab.encodedJSON()) == lab)
  }

  /// A snapshot passed through other tools: pretty-printed, keys in another order, members
  /// this version does not know, dates with an offset.
  @Test("white space, key order, unknown members and offsets read as Foundation reads them")
  func otherSpellings() throws {
    var random = SplitMix64(seed: 3)
    let snapshot = RandomSnapshot.make(using: &random, everything: true)
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(snapshot.encodedJSON())) as? [String: Any])
    object["addedLater"] = ["nested": [1, 2.5, true, NSNull(), "text"]]
    var appliances = try #require(object["appliances"] as? [[String: Any]])
    appliances[0]["askedAt"] = "2026-11-22T03:15:18+01:00"
    appliances[1]["askedAt"] = "2026-11-22T01:15:18-0100"
    appliances[0]["site"] = NSNull()
    object["appliances"] = appliances
    let pretty = Array(
      try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]))
    let read = try Snapshot.decoded(fromJSON: pretty)
    #expect(read == (try Self.foundation(pretty)))
    #expect(read.appliances[0].askedAt == Date(timeIntervalSince1970: 1_795_313_718))
    #expect(read.appliances[1].askedAt == read.appliances[0].askedAt)
    #expect(read.appliances[0].site == nil)
  }

  static let valid = #"""
    {"appliances":[{"askedAt":"2026-11-22T02:15:18Z","durationMilliseconds":3,"endpoint":"http://127.0.0.1:8000/","exchanges":[],"kind":"kea","name":"kea-a"}],"collectedAt":"2026-11-22T02:15:18Z","durationMilliseconds":9,"format":1,"generator":"test","inventoryDigest":"0"}
    """#

  /// Each change makes a document Foundation's decoder refuses; the reader refuses it too,
  /// and says where.
  @Test(
    "what Foundation refuses is refused, with the path of the value",
    arguments: [
      (
        #""name":"kea-a""#, #""nom":"kea-a""#,
        #".appliances[0]: the required member "name" is missing"#
      ),
      (#""name":"kea-a""#, #""name":null"#, ".appliances[0].name: expected a string, found null"),
      (
        #""kind":"kea""#, #""kind":"kae""#,
        #".appliances[0].kind: expected one of kea, dhcpd, edgeconnect, found "kae""#
      ),
      (
        #""durationMilliseconds":3"#, #""durationMilliseconds":"3""#,
        ".appliances[0].durationMilliseconds: expected a whole number, found a string"
      ),
      (
        #""durationMilliseconds":3"#, #""durationMilliseconds":3.5"#,
        ".appliances[0].durationMilliseconds: expected a whole number, found 3.5"
      ),
      (
        #""durationMilliseconds":9"#, #""durationMilliseconds":99999999999999999999"#,
        ".durationMilliseconds: expected a whole number that fits in 64 bits"
      ),
      (
        #""askedAt":"2026-11-22T02:15:18Z""#, #""askedAt":"22/11/2026 02:15""#,
        #".appliances[0].askedAt: expected a date in ISO 8601 (2026-11-22T02:15:18Z), found "22/11/2026 02:15""#
      ),
      (
        #""exchanges":[]"#, #""exchanges":{}"#,
        ".appliances[0].exchanges: expected an array, found an object"
      ),
      (#""format":1"#, #""formats":1"#, #"the required member "format" is missing"#),
    ])
  func refused(find: String, replace: String, message: String) throws {
    let bytes = Array(Self.valid.replacingOccurrences(of: find, with: replace).utf8)
    #expect(bytes != Array(Self.valid.utf8))
    #expect(throws: (any Error).self) { try Self.foundation(bytes) }
    let error = #expect(throws: JSONSyntaxError.self) { try Snapshot.decoded(fromJSON: bytes) }
    #expect(error?.message == message)
    #expect(error?.line == 1)
  }

  /// Foundation's `.iso8601` rolls 30 February over into March and drops a fraction of a
  /// second; `snapshot.json` never holds either, and a date that names no day is refused
  /// rather than moved.
  @Test(
    "dates that Foundation bends are refused",
    arguments: ["2026-02-30T02:15:18Z", "2026-11-22T02:15:18.5Z", "2026-11-22T24:00:00Z"])
  func bentDates(date: String) throws {
    let bytes = Array(
      Self.valid.replacingOccurrences(
        of: "\"askedAt\":\"2026-11-22T02:15:18Z\"", with: "\"askedAt\":\"\(date)\""
      )
      .utf8)
    #expect(bytes != Array(Self.valid.utf8))
    let error = #expect(throws: JSONSyntaxError.self) { try Snapshot.decoded(fromJSON: bytes) }
    #expect(error?.message.hasPrefix(".appliances[0].askedAt: expected a date in ISO 8601") == true)
  }

  @Test("the unchanged document reads, and anything after it is refused")
  func trailing() throws {
    #expect(try Snapshot.decoded(fromJSON: Array(Self.valid.utf8)).appliances.count == 1)
    #expect(throws: JSONSyntaxError.self) {
      try Snapshot.decoded(fromJSON: Array((Self.valid + " {}").utf8))
    }
  }
}
