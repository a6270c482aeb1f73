/// Bytes as lower-case hexadecimal, two digits each: how digests are written in the snapshot,
/// beside the page (`sha256sum` format) and in the merged snapshot's inputs.
public enum Hexadecimal {
  public static func of<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    bytes.map { byte in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }.joined()
  }
}
