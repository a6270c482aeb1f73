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
