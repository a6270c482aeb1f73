import Foundation

/// URLs as the identity of an HA peer is compared: the inventory's URL of an appliance, a
/// configuration's peer URL, the peer URLs remembered from an earlier run.
public enum PeerURL {
  /// Without case or trailing slash differences.
  public static func normalized(_ url: String) -> String {
    var text = url.lowercased()
    while text.hasSuffix("/") { text.removeLast() }
    return text
  }

  /// One number for a set of URLs, in any order, equal for URLs that differ only in trailing
  /// slashes and the case of ASCII letters (as URL hosts and schemes are written): what tells
  /// two relationships with the same peer names apart, made for every answer of a large fleet
  /// without building a string.
  public static func signature(_ urls: [String]) -> Int {
    var combined = 0
    for url in urls {
      let bytes = url.utf8
      var end = bytes.endIndex
      while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: "/") {
        end = bytes.index(before: end)
      }
      var hasher = Hasher()
      for byte in bytes[..<end] {
        hasher.combine(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
      }
      // Added, so the order of the peers does not matter.
      combined &+= hasher.finalize()
    }
    return combined
  }

  /// The host of a URL, lower case, without brackets; nil when it has none.
  public static func host(_ url: String) -> String? {
    URLComponents(string: url)?.host?.lowercased().trimmingCharacters(in: ["[", "]"])
  }
}

extension Array {
  /// The element at `index`, or nil past the ends: a Kea answer's lists (relationships,
  /// their configurations) need not be as long as each other.
  public subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
