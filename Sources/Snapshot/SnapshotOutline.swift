import JSONText

extension Snapshot {
  /// The JSON of the snapshot in `bytes` with its appliances left out (an empty list): its
  /// format, generator, times and, for a merged snapshot, its regions. What `merge` needs to
  /// know of a snapshot before decoding it, or of the previous merged snapshot when every
  /// region has data of its own, is there; the appliances, tens of megabytes at 50,000
  /// servers, are checked as JSON and skipped instead of decoded.
  public static func outline(of bytes: [UInt8]) throws(JSONSyntaxError) -> [UInt8] {
    var outline: [UInt8] = [UInt8(ascii: "{")]
    for (key, value) in try JSONReader.members(ofObject: bytes) where key != "appliances" {
      var quoted = JSONBytes()
      quoted.string(key)
      outline += quoted.bytes
      outline.append(UInt8(ascii: ":"))
      outline += bytes[value]
      outline.append(UInt8(ascii: ","))
    }
    outline += Array(#""appliances":[]}"#.utf8)
    return outline
  }
}
