extension JSONReader {
  /// The members of the object that `bytes` holds, in document order: each key, and where its
  /// value's text is in `bytes`.
  ///
  /// The values are checked as JSON (strings, escapes, nesting, literals) but nothing is made
  /// of them, so a reader that needs two small members of a document of tens of megabytes
  /// (the regions of a merged snapshot, say) skips the rest at the speed of a byte loop
  /// instead of decoding it.
  public static func members(ofObject bytes: [UInt8]) throws(JSONSyntaxError) -> [(
    key: String, value: Range<Int>
  )] {
    var reader = JSONPullReader(bytes)
    var members: [(key: String, value: Range<Int>)] = []
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      members.append((key.text, try reader.skipValue()))
    }
    try reader.finish()
    return members
  }
}
