import Templating

/// The snapshot as the page carries it: its JSON, byte for byte as `snapshot.json` holds it,
/// and that JSON escaped for a script element and cut into text nodes no stock tool refuses.
/// Made apart from the page, so that a run makes it while the snapshot is assessed: for a
/// large fleet the escaping is tens of megabytes that would otherwise hold up the first byte
/// of the page.
public struct EmbeddedSnapshot: Sendable {
  /// The snapshot's JSON.
  public let json: [UInt8]
  /// The escaped JSON in order, each at most `PageRenderer.maximumTextNodeBytes` long.
  let parts: [String]

  public init(json: [UInt8]) {
    self.json = json
    parts = Self.split(jsonEscapedForScript(json), atMost: PageRenderer.maximumTextNodeBytes)
      .map { String(decoding: $0, as: UTF8.self) }
  }

  /// `bytes` cut into pieces of at most `limit` bytes, never inside a UTF-8 character: joined
  /// in order, they are the original text.
  static func split(_ bytes: [UInt8], atMost limit: Int) -> [ArraySlice<UInt8>] {
    var parts: [ArraySlice<UInt8>] = []
    var start = 0
    while bytes.count - start > limit {
      var end = start + limit
      // A continuation byte (10xxxxxx) belongs to the character before it.
      while end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
      parts.append(bytes[start..<end])
      start = end
    }
    parts.append(bytes[start...])
    return parts
  }
}
