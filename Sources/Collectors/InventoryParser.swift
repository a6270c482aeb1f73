import Foundation
import Snapshot
import Yams

extension Inventory {
  /// Reads an inventory file. Every mistake names its line, column and key path.
  public static func load(path: String) throws(InventoryError) -> Inventory {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw InventoryError(
        file: path, line: 1, column: 1, path: "",
        message: "cannot read the inventory: \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw InventoryError(
        file: path, line: 1, column: 1, path: "", message: "the inventory is not UTF-8 text")
    }
    return try parse(text, file: path)
  }

  /// Parses inventory text; `file` names it in messages.
  public static func parse(_ text: String, file: String) throws(InventoryError) -> Inventory {
    let root: Node?
    do {
      // Every value is read as text and checked here, so no tag resolution: the default
      // resolver tries a regular expression per tag on every scalar (a twentieth of a
      // 2,000-appliance run, before the first question is asked).
      root = try Yams.compose(yaml: text, .basic)
    } catch let error as YamlError {
      throw InventoryParser.translate(error, file: file).atEditorPosition(in: text)
    } catch {
      throw InventoryError(file: file, line: 1, column: 1, path: "", message: "\(error)")
    }
    guard let root else {
      throw InventoryError(
        file: file, line: 1, column: 1, path: "",
        message: "the inventory is empty: expected a mapping with 'appliances'")
    }
    do {
      return try InventoryParser(file: file).inventory(from: root)
    } catch {
      throw error.atEditorPosition(in: text)
    }
  }
}

/// Walks the composed YAML tree so each error can point at the node it is about.
struct InventoryParser {
  let file: String

  static let topKeys = ["defaults", "judging", "appliances"]
  static let judgingKeys = [
    "interrupted-critical-after", "transition-critical-after", "recover-wait-grace",
  ]
  static let defaultKeys = ["timeout", "concurrency", "max-response-bytes"]
  static let applianceKeys = [
    "name", "kind", "site", "url", "service", "username", "password-env", "password-file",
    "ca-file", "cert-file", "key-file", "timeout", "leases", "export", "omapi", "peer",
    "api-key-env", "api-key-file", "api-key-header", "deployment", "ha-servers",
  ]

  func inventory(from root: Node) throws(InventoryError) -> Inventory {
    let top = try mapping(root, path: "", expected: "a mapping with 'appliances'")
    try rejectUnknownKeys(top, allowed: Self.topKeys, path: "")
    var defaults = Inventory.Defaults()
    if let node = top["defaults"] {
      let map = try mapping(node, path: "defaults", expected: "a mapping")
      try rejectUnknownKeys(map, allowed: Self.defaultKeys, path: "defaults")
      if let value = map["timeout"] {
        defaults.timeout = try seconds(value, path: "defaults.timeout")
      }
      if let value = map["concurrency"] {
        defaults.concurrency = try integer(value, path: "defaults.concurrency", range: 1...4096)
      }
      if let value = map["max-response-bytes"] {
        defaults.maximumResponseBytes = try integer(
          value, path: "defaults.max-response-bytes", range: 1024...(1 << 30))
      }
    }
    var judging = JudgingThresholds()
    if let node = top["judging"] {
      let map = try mapping(node, path: "judging", expected: "a mapping")
      try rejectUnknownKeys(map, allowed: Self.judgingKeys, path: "judging")
      judging.interruptedCriticalAfter = try map["interrupted-critical-after"].map {
        node throws(InventoryError) in
        try duration(node, path: "judging.interrupted-critical-after")
      }
      judging.transitionCriticalAfter = try map["transition-critical-after"].map {
        node throws(InventoryError) in
        try duration(node, path: "judging.transition-critical-after")
      }
      judging.recoverWaitGrace = try map["recover-wait-grace"].map {
        node throws(InventoryError) in
        try duration(node, path: "judging.recover-wait-grace")
      }
    }
    guard let appliancesNode = top["appliances"] else {
      throw error(at: root, path: "", "expected a key 'appliances' listing the appliances")
    }
    guard case .sequence(let sequence) = appliancesNode else {
      throw error(at: appliancesNode, path: "appliances", "expected a list of appliances")
    }
    var entries: [ApplianceEntry] = []
    var seen: [String: Int] = [:]
    for (index, node) in sequence.enumerated() {
      let path = "appliances[\(index)]"
      let entry = try appliance(node, path: path)
      if let first = seen[entry.name] {
        throw error(
          at: node, path: path + ".name",
          "the name \"\(entry.name)\" is already used by appliances[\(first)]; names must be unique"
        )
      }
      seen[entry.name] = index
      entries.append(entry)
    }
    return Inventory(file: file, appliances: entries, defaults: defaults, judging: judging)
  }

  private func appliance(_ node: Node, path: String) throws(InventoryError) -> ApplianceEntry {
    let map = try mapping(node, path: path, expected: "a mapping with 'name' and 'kind'")
    try rejectUnknownKeys(map, allowed: Self.applianceKeys, path: path)
    guard let nameNode = map["name"] else {
      throw error(at: node, path: path, "expected a key 'name'")
    }
    let name = try string(nameNode, path: path + ".name")
    guard !name.isEmpty else {
      throw error(at: nameNode, path: path + ".name", "expected a non-empty name")
    }
    guard let kindNode = map["kind"] else {
      throw error(at: node, path: path, "expected a key 'kind' (kea, dhcpd or edgeconnect)")
    }
    let kindText = try string(kindNode, path: path + ".kind")
    guard let kind = ApplianceKind(rawValue: kindText) else {
      throw error(
        at: kindNode, path: path + ".kind",
        "expected one of \(ApplianceKind.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(kindText)\""
      )
    }
    var entry = ApplianceEntry(name: name, kind: kind)
    entry.site = try optionalString(map["site"], path: path + ".site")
    entry.service = try optionalString(map["service"], path: path + ".service")
    entry.username = try optionalString(map["username"], path: path + ".username")
    entry.caFile = try filePath(map["ca-file"], path: path + ".ca-file")
    entry.certFile = try filePath(map["cert-file"], path: path + ".cert-file")
    entry.keyFile = try filePath(map["key-file"], path: path + ".key-file")
    entry.leases = try filePath(map["leases"], path: path + ".leases")
    entry.export = try filePath(map["export"], path: path + ".export")
    if let value = map["timeout"] { entry.timeout = try seconds(value, path: path + ".timeout") }
    let passwordEnv = try optionalString(map["password-env"], path: path + ".password-env")
    let passwordFile = try filePath(map["password-file"], path: path + ".password-file")
    if passwordEnv != nil, passwordFile != nil, let node = map["password-file"] {
      throw error(
        at: node, path: path + ".password-file",
        "give either password-env or password-file, not both")
    }
    if let passwordEnv { entry.password = .environment(passwordEnv) }
    if let passwordFile { entry.password = .file(passwordFile) }
    let apiKeyEnv = try optionalString(map["api-key-env"], path: path + ".api-key-env")
    let apiKeyFile = try filePath(map["api-key-file"], path: path + ".api-key-file")
    if apiKeyEnv != nil, apiKeyFile != nil, let node = map["api-key-file"] {
      throw error(
        at: node, path: path + ".api-key-file", "give either api-key-env or api-key-file, not both")
    }
    if let apiKeyEnv { entry.apiKey = .environment(apiKeyEnv) }
    if let apiKeyFile { entry.apiKey = .file(apiKeyFile) }
    entry.apiKeyHeader = try optionalString(map["api-key-header"], path: path + ".api-key-header")
    if let node = map["deployment"] {
      entry.deployment = try httpURL(node, path: path + ".deployment")
    }
    if let urlNode = map["url"] {
      entry.url = try httpURL(urlNode, path: path + ".url")
    }
    entry.peer = try optionalString(map["peer"], path: path + ".peer")
    if let node = map["ha-servers"] {
      guard kind == .kea else {
        throw error(
          at: node, path: path + ".ha-servers",
          "ha-servers names a Kea server's HA names; a \(kind.rawValue) appliance has none")
      }
      entry.haServers = try serverNames(node, path: path + ".ha-servers")
    }
    if let omapiNode = map["omapi"] {
      let text = try string(omapiNode, path: path + ".omapi")
      guard OMAPIEndpoint(text) != nil else {
        throw error(
          at: omapiNode, path: path + ".omapi",
          "expected HOST:PORT (dhcpd's omapi-port, 7911 by default), found \"\(text)\"")
      }
      guard entry.peer != nil else {
        throw error(
          at: omapiNode, path: path + ".omapi",
          "OMAPI opens the failover state by name: add 'peer' (the name in dhcpd's failover peer \"NAME\" declaration)"
        )
      }
      entry.omapi = text
    }
    if kind != .dhcpd, (entry.certFile == nil) != (entry.keyFile == nil) {
      let given = entry.certFile == nil ? "key-file" : "cert-file"
      let missing = entry.certFile == nil ? "cert-file" : "key-file"
      throw error(
        at: map[given] ?? node, path: path + "." + given,
        "a client certificate needs both cert-file and key-file; add '\(missing)'")
    }
    switch kind {
    case .kea where entry.url == nil:
      throw error(
        at: node, path: path,
        "a kea appliance needs 'url' (its Control Agent or HTTP control socket)")
    case .dhcpd where entry.leases == nil && entry.omapi == nil:
      throw error(
        at: node, path: path,
        "a dhcpd appliance needs 'leases' (the path of its leases file) or 'omapi' (HOST:PORT)")
    case .edgeconnect where entry.export == nil && entry.url == nil:
      throw error(
        at: node, path: path, "an edgeconnect appliance needs 'export' (a CSV file) or 'url'")
    default: break
    }
    return entry
  }

  // MARK: - Typed reads

  /// An http:// or https:// URL with a host and no password in it.
  private func httpURL(_ node: Node, path: String) throws(InventoryError) -> URL {
    let text = try string(node, path: path)
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", url.host != nil
    else {
      throw error(at: node, path: path, "expected an http:// or https:// URL, found \"\(text)\"")
    }
    if url.password != nil {
      throw error(
        at: node, path: path,
        "the URL holds a password; put it in password-env or password-file instead")
    }
    return url
  }

  private func mapping(_ node: Node, path: String, expected: String) throws(InventoryError)
    -> Node.Mapping
  {
    guard case .mapping(let map) = node else {
      throw error(at: node, path: path, "expected \(expected)")
    }
    return map
  }

  private func rejectUnknownKeys(_ map: Node.Mapping, allowed: [String], path: String)
    throws(InventoryError)
  {
    for (key, _) in map {
      let name = key.string ?? ""
      if !allowed.contains(name) {
        let suggestion = allowed.min { distance($0, name) < distance($1, name) }
        let hint =
          suggestion.map { distance($0, name) <= 3 ? " (did you mean '\($0)'?)" : "" } ?? ""
        throw error(
          at: key, path: path.isEmpty ? name : path + "." + name,
          "unknown key \"\(name)\"\(hint); expected one of \(allowed.joined(separator: ", "))")
      }
    }
  }

  private func string(_ node: Node, path: String) throws(InventoryError) -> String {
    guard case .scalar(let scalar) = node else {
      throw error(at: node, path: path, "expected a text value")
    }
    return scalar.string
  }

  /// One HA server name, or a list of them (a hub in hub-and-spoke is in several
  /// relationships, under one name or more).
  private func serverNames(_ node: Node, path: String) throws(InventoryError) -> [String] {
    let expected =
      "expected the this-server-name of its HA configuration, or a list of them, such as [server1]"
    var names: [String] = []
    switch node {
    case .scalar(let scalar): names = [scalar.string]
    case .sequence(let sequence):
      for (index, element) in sequence.enumerated() {
        guard case .scalar(let scalar) = element else {
          throw error(at: element, path: path + "[\(index)]", expected)
        }
        names.append(scalar.string)
      }
    default: throw error(at: node, path: path, expected)
    }
    guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
      throw error(at: node, path: path, expected)
    }
    return names
  }

  private func optionalString(_ node: Node?, path: String) throws(InventoryError) -> String? {
    guard let node else { return nil }
    return try string(node, path: path)
  }

  /// A file's path; a relative one is taken from the inventory's folder, not from the working
  /// directory, which for cron is the home folder.
  private func filePath(_ node: Node?, path: String) throws(InventoryError) -> String? {
    guard let text = try optionalString(node, path: path) else { return nil }
    guard !text.hasPrefix("/"), !text.isEmpty else { return text }
    return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(text)
      .standardizedFileURL.path
  }

  private func seconds(_ node: Node, path: String) throws(InventoryError) -> Double {
    let text = try string(node, path: path)
    guard let value = Double(text), value > 0, value <= 3600 else {
      throw error(
        at: node, path: path, "expected a number of seconds between 0 and 3600, found \"\(text)\"")
    }
    return value
  }

  /// A length of time: whole seconds, or a number with `s`, `min` (or `m`), `h` or `d`
  /// (`90`, `30 min`, `4h`, `2d`), from a second to a year.
  private func duration(_ node: Node, path: String) throws(InventoryError) -> Int {
    let text = try string(node, path: path)
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let digits = trimmed.prefix { $0.isNumber }
    let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
    let units: [String: Int] = ["": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400]
    guard let count = Int(digits), let size = units[unit], count > 0,
      count <= 31_536_000 / size
    else {
      throw error(
        at: node, path: path,
        "expected a length of time such as 90, 30 min, 4h or 2d (at most a year), found \"\(text)\""
      )
    }
    return count * size
  }

  private func integer(_ node: Node, path: String, range: ClosedRange<Int>) throws(InventoryError)
    -> Int
  {
    let text = try string(node, path: path)
    guard let value = Int(text), range.contains(value) else {
      throw error(
        at: node, path: path,
        "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \"\(text)\""
      )
    }
    return value
  }

  private func error(at node: Node, path: String, _ message: String) -> InventoryError {
    InventoryError(
      file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, path: path,
      message: message)
  }

  private func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...max(b.count, 1) where !b.isEmpty {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }

  static func translate(_ error: YamlError, file: String) -> InventoryError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return InventoryError(
        file: file, line: mark.line, column: mark.column, path: "",
        message: "not valid YAML: \(problem)")
    default:
      return InventoryError(
        file: file, line: 1, column: 1, path: "", message: "not valid YAML: \(error)")
    }
  }
}
