import Crypto
import Foundation
import Snapshot

/// Makes the copy of a run that can leave the company (`--share DIR`): every appliance,
/// server, site, region, failover-group and scope name, every URL, host name, IP and MAC
/// address in the snapshot, and in the answers it keeps, is replaced by a pseudonym, while
/// states, times, ages and numbers stay as they were, so the copy is judged the same.
///
/// A pseudonym is a keyed hash (HMAC-SHA256 with the `--share-key` secret) of what it
/// replaces: the same name gives the same pseudonym in every run and every field (a server
/// named like its appliance stays named like it, and a scope like its server), and without
/// the key it cannot be turned back. Names are `n-…`, hosts and addresses `h-…`, MAC addresses
/// `m-…`, URL path segments `p-…`.
public struct Pseudonymizer: Sendable {
  /// The secret's bytes; a `SymmetricKey` is made of them per use, as it is not `Sendable`.
  private let key: [UInt8]

  /// The smallest key accepted, in bytes: shorter secrets can be guessed.
  public static let minimumKeyBytes = 16

  public init(key: [UInt8]) {
    self.key = key
  }

  /// Keys whose text value is a name.
  static let nameKeys: Set<String> = [
    "name", "site", "region", "thisServerName", "serverName", "appliance", "peer",
    "this-server-name", "server-name", "hostname", "host-name", "basic-auth-user", "user",
    "failoverGroupName", "Failover Group Name", "Appliance",
  ]
  /// Keys whose value is a list of names.
  static let nameListKeys: Set<String> = [
    "scopes", "lastScopes", "serverNames", "appliances", "sites", "haServers", "last-scopes",
    "served-scopes",
  ]
  /// Keys whose value is a URL, or a list of them.
  static let urlKeys: Set<String> = ["endpoint", "url", "deployment", "peerURLs"]
  /// Words of the protocols themselves, never treated as names in free text, even when a
  /// server happens to be called so (its name is still replaced where the structure says it
  /// is one).
  static let vocabulary: Set<String> = [
    "primary", "secondary", "standby", "backup", "load-balancing", "hot-standby",
    "passive-backup", "partner-down", "waiting", "syncing", "ready", "terminated",
    "in-maintenance", "partner-in-maintenance", "communication-recovery", "unavailable",
    "normal", "recover", "recover-wait", "recover-done", "dhcp4", "dhcp6", "kea", "dhcpd",
    "status-get", "config-get", "ha-heartbeat", "local", "remote", "ok", "true", "false",
  ]

  /// The snapshot with every name and address replaced, marked as such.
  public func redact(_ snapshot: Snapshot) throws -> Snapshot {
    let tree = try JSONSerialization.jsonObject(with: Data(snapshot.encodedJSON()))
    var names: Set<String> = []
    collectNames(tree, into: &names)
    let words = TextRedaction(
      names: names.filter { !$0.isEmpty && !Self.vocabulary.contains($0.lowercased()) },
      pseudonymizer: self)
    let redacted = transform(tree, key: nil, words: words)
    let data = try JSONSerialization.data(withJSONObject: redacted, options: [.sortedKeys])
    var result = try Snapshot.decoded(fromJSON: Array(data))
    result.pseudonymized = true
    return result
  }

  // MARK: - Pseudonyms

  func pseudonym(_ prefix: String, _ value: String) -> String {
    let code = HMAC<SHA256>.authenticationCode(
      for: Data(value.utf8), using: SymmetricKey(data: key))
    return prefix + "-" + Data(code).prefix(5).map { String(format: "%02x", $0) }.joined()
  }

  func name(_ value: String) -> String { value.isEmpty ? value : pseudonym("n", value) }

  /// A URL with its host and each path segment replaced; scheme, port and shape kept, so the
  /// copy's URLs still compare equal where the originals did.
  func url(_ value: String) -> String {
    guard var components = URLComponents(string: value), let host = components.host,
      !host.isEmpty
    else { return pseudonym("h", value) }
    components.host = pseudonym("h", host.lowercased())
    components.user = nil
    components.password = nil
    components.percentEncodedPath = components.path.split(
      separator: "/", omittingEmptySubsequences: false
    )
    .map { $0.isEmpty ? "" : pseudonym("p", String($0)) }.joined(separator: "/")
    components.query = nil
    components.fragment = nil
    return components.string ?? pseudonym("h", value)
  }

  // MARK: - The tree

  private func collectNames(_ value: Any, into names: inout Set<String>) {
    if let object = value as? [String: Any] {
      for (key, member) in object {
        if Self.nameKeys.contains(key), let text = member as? String { names.insert(text) }
        if Self.nameListKeys.contains(key), let list = member as? [Any] {
          names.formUnion(list.compactMap { $0 as? String })
        }
        if key == "body", let text = member as? String, let inner = Self.json(text) {
          collectNames(inner, into: &names)
        }
        collectNames(member, into: &names)
      }
    } else if let list = value as? [Any] {
      for element in list { collectNames(element, into: &names) }
    }
  }

  private func transform(_ value: Any, key: String?, words: TextRedaction) -> Any {
    if let object = value as? [String: Any] {
      var result: [String: Any] = [:]
      for (member, inner) in object { result[member] = transform(inner, key: member, words: words) }
      return result
    }
    if let list = value as? [Any] {
      return list.map { transform($0, key: key, words: words) }
    }
    guard let text = value as? String, let key else { return value }
    if Self.nameKeys.contains(key) || Self.nameListKeys.contains(key) { return name(text) }
    if Self.urlKeys.contains(key) { return url(text) }
    // A region's source is a file's path: its folders may be named after sites.
    if key == "source", text.contains("/") { return pseudonym("p", text) }
    if key == "body" {
      if let inner = Self.json(text),
        let data = try? JSONSerialization.data(
          withJSONObject: transform(inner, key: nil, words: words), options: [.sortedKeys])
      {
        return String(decoding: data, as: UTF8.self)
      }
    }
    return words.redact(text)
  }

  /// `text` as a JSON array or object, or nil.
  private static func json(_ text: String) -> Any? {
    guard let first = text.first(where: { !$0.isWhitespace }), first == "[" || first == "{"
    else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(text.utf8))
  }
}

/// Free text (a reason, an answer that is not JSON) with every known name, URL, IP and MAC
/// address in it replaced.
struct TextRedaction {
  let names: NSRegularExpression?
  let pseudonymizer: Pseudonymizer

  static let url = try? NSRegularExpression(pattern: #"[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+"#)
  static let mac = try? NSRegularExpression(
    pattern: #"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])"#)
  static let ipv4 = try? NSRegularExpression(
    pattern: #"(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9.])"#)
  /// IPv6: eight groups, or a `::` abbreviation; never a time of day (`02:41:02`).
  static let ipv6 = try? NSRegularExpression(
    pattern:
      #"(?<![0-9A-Fa-f:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4})(?![0-9A-Fa-f:])"#
  )

  init(names: Set<String>, pseudonymizer: Pseudonymizer) {
    self.pseudonymizer = pseudonymizer
    // Longest first, so a name that contains another is replaced whole.
    let alternatives = names.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
      .map(NSRegularExpression.escapedPattern(for:))
    self.names =
      alternatives.isEmpty
      ? nil
      : try? NSRegularExpression(
        pattern: "(?<![A-Za-z0-9_-])(?:" + alternatives.joined(separator: "|")
          + ")(?![A-Za-z0-9_-])")
  }

  func redact(_ text: String) -> String {
    var result = replace(Self.url, in: text) { pseudonymizer.url($0) }
    result = replace(Self.mac, in: result) { pseudonymizer.pseudonym("m", $0.lowercased()) }
    result = replace(Self.ipv6, in: result) { pseudonymizer.pseudonym("h", $0.lowercased()) }
    result = replace(Self.ipv4, in: result) { pseudonymizer.pseudonym("h", $0) }
    result = replace(names, in: result) { pseudonymizer.name($0) }
    return result
  }

  private func replace(
    _ expression: NSRegularExpression?, in text: String, _ with: (String) -> String
  ) -> String {
    guard let expression else { return text }
    let matches = expression.matches(in: text, range: NSRange(text.startIndex..., in: text))
    guard !matches.isEmpty else { return text }
    var result = ""
    var cursor = text.startIndex
    for match in matches {
      guard let range = Range(match.range, in: text) else { continue }
      // A pseudonym already made (h-…, n-…) is left alone.
      result += text[cursor..<range.lowerBound] + with(String(text[range]))
      cursor = range.upperBound
    }
    return result + text[cursor...]
  }
}
