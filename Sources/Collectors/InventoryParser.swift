import Foundation
import Snapshot
import Yams

extension Inventory {
  /// Reads an inventory file. Every mistake names its line, column and key path.
  public static func load(path: String) throws(InventoryError) -> Inventory {
    try parse(InventoryParser.text(ofFile: path, what: "the inventory"), file: path)
  }

  /// Parses inventory text; `file` names it in messages.
  public static func parse(_ text: String, file: String) throws(InventoryError) -> Inventory {
    try InventoryParser.document(
      text, file: file, empty: "the inventory is empty: expected a mapping with 'appliances'"
    ) { parser, root in parser.inventory(from: root) }
  }
}

extension InventoryParser {
  /// The UTF-8 text of a YAML file the job reads (`what` names it in the message).
  static func text(ofFile path: String, what: String) throws(InventoryError) -> String {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw InventoryError([
        InventoryProblem(
          file: path, line: 1, column: 1, path: "",
          message: "cannot read \(what): \(error.localizedDescription)")
      ])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw InventoryError([
        InventoryProblem(
          file: path, line: 1, column: 1, path: "", message: "\(what) is not UTF-8 text")
      ])
    }
    return text
  }

  /// What `read` makes of the YAML document `text`, or every mistake found in it: YAML
  /// syntax (tabs named as tabs), then each of `read`'s, at the editor's line and column.
  static func document<Value>(
    _ text: String, file: String, empty: String,
    _ read: (InventoryParser, Node) -> Value?
  ) throws(InventoryError) -> Value {
    let root: Node?
    do {
      // Every value is read as text and checked here, so no tag resolution: the default
      // resolver tries a regular expression per tag on every scalar (a twentieth of a
      // 2,000-appliance run, before the first question is asked).
      root = try Yams.compose(yaml: text, .basic)
    } catch let error as YamlError {
      let syntax = translate(error, file: file).atEditorPosition(in: text)
      // A tab where YAML wants spaces stops libyaml at the first one with words that do not
      // say "tab": every tab-indented line is named instead.
      let tabs = tabIndentedLines(in: text, file: file)
      let onTabLine = tabs.contains { $0.line == syntax.line }
      throw InventoryError(tabs.isEmpty ? [syntax] : onTabLine ? tabs : tabs + [syntax])
    } catch {
      throw InventoryError([
        InventoryProblem(file: file, line: 1, column: 1, path: "", message: "\(error)")
      ])
    }
    guard let root else {
      throw InventoryError([
        InventoryProblem(file: file, line: 1, column: 1, path: "", message: empty)
      ])
    }
    let parser = InventoryParser(file: file)
    let value = read(parser, root)
    let problems = parser.log.problems.map { $0.atEditorPosition(in: text) }
    guard let value, problems.isEmpty else { throw InventoryError(problems) }
    return value
  }
}

/// Walks the composed YAML tree so each error can point at the node it is about. It reads on
/// past a mistake, so every mistake in the file is found in one pass. It reads the
/// acknowledgements file too (`AcknowledgementsParser.swift`), with the same positions and
/// words.
struct InventoryParser {
  let file: String
  /// The mistakes found so far; a class, so the reads below stay plain functions.
  let log = ProblemLog()

  final class ProblemLog {
    var problems: [InventoryProblem] = []
  }

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
  /// Kea's DHCP services, the only ones with the HA hook.
  static let keaServices = ["dhcp4", "dhcp6"]
  /// Keys that would hold a secret in the inventory itself, and where the secret goes instead.
  static let inlineSecrets = [
    "password": ("password-env", "password-file"), "api-key": ("api-key-env", "api-key-file"),
  ]

  /// The inventory, or nil when a mistake leaves nothing to read; every mistake is in `log`.
  func inventory(from root: Node) -> Inventory? {
    guard
      let top = attempt({ () throws(InventoryProblem) in
        try mapping(root, path: "", expected: "a mapping with 'appliances'")
      })
    else { return nil }
    rejectUnknownKeys(top, allowed: Self.topKeys, path: "")
    var defaults = Inventory.Defaults()
    if let node = top["defaults"],
      let map = attempt({ () throws(InventoryProblem) in
        try mapping(node, path: "defaults", expected: "a mapping")
      })
    {
      rejectUnknownKeys(map, allowed: Self.defaultKeys, path: "defaults")
      if let value = map["timeout"] {
        defaults.timeout =
          attempt { () throws(InventoryProblem) in
            try seconds(value, path: "defaults.timeout")
          } ?? defaults.timeout
      }
      if let value = map["concurrency"] {
        defaults.concurrency =
          attempt { () throws(InventoryProblem) in
            try integer(value, path: "defaults.concurrency", range: 1...4096)
          } ?? defaults.concurrency
      }
      if let value = map["max-response-bytes"] {
        defaults.maximumResponseBytes =
          attempt { () throws(InventoryProblem) in
            try integer(value, path: "defaults.max-response-bytes", range: 1024...(1 << 30))
          } ?? defaults.maximumResponseBytes
      }
    }
    var judging = JudgingThresholds()
    if let node = top["judging"],
      let map = attempt({ () throws(InventoryProblem) in
        try mapping(node, path: "judging", expected: "a mapping")
      })
    {
      rejectUnknownKeys(map, allowed: Self.judgingKeys, path: "judging")
      func read(_ key: String) -> Int? {
        guard let node = map[key] else { return nil }
        return attempt { () throws(InventoryProblem) in
          try duration(node, path: "judging." + key)
        }
      }
      judging.interruptedCriticalAfter = read("interrupted-critical-after")
      judging.transitionCriticalAfter = read("transition-critical-after")
      judging.recoverWaitGrace = read("recover-wait-grace")
    }
    guard let appliancesNode = top["appliances"] else {
      log.problems.append(
        error(at: root, path: "", "expected a key 'appliances' listing the appliances"))
      return nil
    }
    guard case .sequence(let sequence) = appliancesNode else {
      log.problems.append(
        error(at: appliancesNode, path: "appliances", "expected a list of appliances"))
      return nil
    }
    var entries: [ApplianceEntry] = []
    var seen: [String: Int] = [:]
    for (index, node) in sequence.enumerated() {
      let path = "appliances[\(index)]"
      guard let entry = appliance(node, path: path) else { continue }
      if let first = seen[entry.name] {
        log.problems.append(
          error(
            at: node, path: path + ".name",
            "the name \"\(entry.name)\" is already used by appliances[\(first)]; names must be unique"
          ))
        continue
      }
      seen[entry.name] = index
      entries.append(entry)
    }
    return Inventory(file: file, appliances: entries, defaults: defaults, judging: judging)
  }

  /// A list entry's mapping, its unknown keys reported; nil when it is not a mapping.
  func entry(_ node: Node, path: String, expected: String, allowed: [String]) -> Node.Mapping? {
    guard
      let map = attempt({ () throws(InventoryProblem) in
        try mapping(node, path: path, expected: expected)
      })
    else { return nil }
    rejectUnknownKeys(map, allowed: allowed, path: path)
    return map
  }

  /// What `read` returns, or nil with its mistake kept in the log.
  func attempt<T>(_ read: () throws(InventoryProblem) -> T) -> T? {
    do {
      return try read()
    } catch {
      log.problems.append(error)
      return nil
    }
  }

  /// One appliance, or nil when it has a mistake (each one is in the log).
  private func appliance(_ node: Node, path: String) -> ApplianceEntry? {
    let before = log.problems.count
    guard
      let map = entry(
        node, path: path, expected: "a mapping with 'name' and 'kind'",
        allowed: Self.applianceKeys)
    else { return nil }
    var name: String?
    if let nameNode = map["name"] {
      name = attempt { () throws(InventoryProblem) in
        let text = try string(nameNode, path: path + ".name")
        guard !text.isEmpty else {
          throw error(at: nameNode, path: path + ".name", "expected a non-empty name")
        }
        return text
      }
    } else {
      log.problems.append(error(at: node, path: path, "expected a key 'name'"))
    }
    var kind: ApplianceKind?
    if let kindNode = map["kind"] {
      kind = attempt { () throws(InventoryProblem) in
        let text = try string(kindNode, path: path + ".kind")
        guard let kind = ApplianceKind(rawValue: text) else {
          throw error(
            at: kindNode, path: path + ".kind",
            "expected one of \(ApplianceKind.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(text)\""
          )
        }
        return kind
      }
    } else {
      log.problems.append(
        error(at: node, path: path, "expected a key 'kind' (kea, dhcpd or edgeconnect)"))
    }
    // The other keys are read even without a usable name or kind, so their mistakes are
    // found in this pass too.
    var entry = ApplianceEntry(name: name ?? "", kind: kind ?? .kea)
    func text(_ key: String) -> String? {
      guard let node = map[key] else { return nil }
      return attempt { () throws(InventoryProblem) in try string(node, path: path + "." + key) }
    }
    func file(_ key: String) -> String? {
      attempt { () throws(InventoryProblem) in try filePath(map[key], path: path + "." + key) }
        ?? nil
    }
    func url(_ key: String) -> URL? {
      guard let node = map[key] else { return nil }
      return attempt { () throws(InventoryProblem) in try httpURL(node, path: path + "." + key) }
    }
    entry.site = text("site")
    entry.username = text("username")
    entry.caFile = file("ca-file")
    entry.certFile = file("cert-file")
    entry.keyFile = file("key-file")
    entry.leases = file("leases")
    entry.export = file("export")
    if let value = map["timeout"] {
      entry.timeout = attempt { () throws(InventoryProblem) in
        try seconds(value, path: path + ".timeout")
      }
    }
    if let node = map["service"] {
      entry.service = attempt { () throws(InventoryProblem) in
        try service(node, kind: kind, path: path + ".service")
      }
    }
    entry.password = secret(
      map, environmentKey: "password-env", fileKey: "password-file", path: path)
    entry.apiKey = secret(map, environmentKey: "api-key-env", fileKey: "api-key-file", path: path)
    entry.apiKeyHeader = text("api-key-header")
    entry.deployment = url("deployment")
    entry.url = url("url")
    entry.peer = text("peer")
    if let node = map["ha-servers"] {
      entry.haServers = attempt { () throws(InventoryProblem) in
        guard kind == .kea || kind == nil else {
          throw error(
            at: node, path: path + ".ha-servers",
            "ha-servers names a Kea server's HA names; a \(kind?.rawValue ?? "") appliance has none"
          )
        }
        return try serverNames(node, path: path + ".ha-servers")
      }
    }
    if let omapiNode = map["omapi"] {
      entry.omapi = attempt { () throws(InventoryProblem) in
        let text = try string(omapiNode, path: path + ".omapi")
        guard OMAPIEndpoint(text) != nil else {
          throw error(
            at: omapiNode, path: path + ".omapi",
            "expected HOST:PORT (dhcpd's omapi-port, 7911 by default), found \"\(text)\"")
        }
        guard map["peer"] != nil else {
          throw error(
            at: omapiNode, path: path + ".omapi",
            "OMAPI opens the failover state by name: add 'peer' (the name in dhcpd's failover peer \"NAME\" declaration)"
          )
        }
        return text
      }
    }
    guard let kind else { return nil }
    if kind != .dhcpd, (map["cert-file"] == nil) != (map["key-file"] == nil) {
      let given = map["cert-file"] == nil ? "key-file" : "cert-file"
      let missing = map["cert-file"] == nil ? "cert-file" : "key-file"
      log.problems.append(
        error(
          at: map[given] ?? node, path: path + "." + given,
          "a client certificate needs both cert-file and key-file; add '\(missing)'"))
    }
    switch kind {
    case .kea where map["url"] == nil:
      log.problems.append(
        error(
          at: node, path: path,
          "a kea appliance needs 'url' (its Control Agent or HTTP control socket)"))
    case .dhcpd where map["leases"] == nil && map["omapi"] == nil:
      log.problems.append(
        error(
          at: node, path: path,
          "a dhcpd appliance needs 'leases' (the path of its leases file) or 'omapi' (HOST:PORT)"))
    case .edgeconnect where map["export"] == nil && map["url"] == nil:
      log.problems.append(
        error(
          at: node, path: path, "an edgeconnect appliance needs 'export' (a CSV file) or 'url'"))
    default: break
    }
    return log.problems.count == before ? entry : nil
  }

  /// A secret named by an environment variable or a file, never both.
  private func secret(
    _ map: Node.Mapping, environmentKey: String, fileKey: String, path: String
  ) -> SecretReference? {
    let variable = map[environmentKey].flatMap { node in
      attempt { () throws(InventoryProblem) in try string(node, path: path + "." + environmentKey) }
    }
    let file =
      attempt { () throws(InventoryProblem) in
        try filePath(map[fileKey], path: path + "." + fileKey)
      }
      ?? nil
    if variable != nil, file != nil, let node = map[fileKey] {
      log.problems.append(
        error(
          at: node, path: path + "." + fileKey,
          "give either \(environmentKey) or \(fileKey), not both"))
    }
    return variable.map(SecretReference.environment) ?? file.map(SecretReference.file)
  }

  /// `service` names the Kea DHCP server behind a Control Agent; other kinds have none.
  private func service(_ node: Node, kind: ApplianceKind?, path: String) throws(InventoryProblem)
    -> String
  {
    let text = try string(node, path: path)
    guard kind == .kea || kind == nil else {
      throw error(
        at: node, path: path,
        "service names the Kea server behind a Control Agent; a \(kind?.rawValue ?? "") appliance has none: remove it"
      )
    }
    guard Self.keaServices.contains(text) else {
      throw error(
        at: node, path: path,
        "expected dhcp4 or dhcp6 (the Kea server whose HA state is read; leave service out for a daemon's own HTTP socket), found \"\(text)\""
      )
    }
    return text
  }

  // MARK: - Typed reads

  /// An http:// or https:// URL with a host and no password in it.
  private func httpURL(_ node: Node, path: String) throws(InventoryProblem) -> URL {
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

  func mapping(_ node: Node, path: String, expected: String) throws(InventoryProblem)
    -> Node.Mapping
  {
    guard case .mapping(let map) = node else {
      throw error(at: node, path: path, "expected \(expected)")
    }
    return map
  }

  /// Each key that is not `allowed` is a mistake: a typo never passes silently. A secret
  /// written inline is pointed to where it belongs, and its value is never repeated.
  func rejectUnknownKeys(_ map: Node.Mapping, allowed: [String], path: String) {
    for (key, _) in map {
      let name = key.string ?? ""
      guard !allowed.contains(name) else { continue }
      let keyPath = path.isEmpty ? name : path + "." + name
      if let (variable, file) = Self.inlineSecrets[name], allowed.contains(variable) {
        log.problems.append(
          error(
            at: key, path: keyPath,
            "a secret is never written in the inventory: put it in a file readable only by the user the job runs as and name that file with '\(file)', or name an environment variable with '\(variable)' (cron and systemd start with an empty environment, so a file is the usual choice)"
          ))
        continue
      }
      let suggestion = allowed.min { distance($0, name) < distance($1, name) }
      let hint =
        suggestion.map { distance($0, name) <= 3 ? " (did you mean '\($0)'?)" : "" } ?? ""
      log.problems.append(
        error(
          at: key, path: keyPath,
          "unknown key \"\(name)\"\(hint); expected one of \(allowed.joined(separator: ", "))"))
    }
  }

  func string(_ node: Node, path: String) throws(InventoryProblem) -> String {
    guard case .scalar(let scalar) = node else {
      throw error(at: node, path: path, "expected a text value")
    }
    return scalar.string
  }

  /// One HA server name, or a list of them (a hub in hub-and-spoke is in several
  /// relationships, under one name or more).
  private func serverNames(_ node: Node, path: String) throws(InventoryProblem) -> [String] {
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

  func optionalString(_ node: Node?, path: String) throws(InventoryProblem) -> String? {
    guard let node else { return nil }
    return try string(node, path: path)
  }

  /// A file's path; a relative one is taken from the inventory's folder, not from the working
  /// directory, which for cron is the home folder.
  private func filePath(_ node: Node?, path: String) throws(InventoryProblem) -> String? {
    guard let text = try optionalString(node, path: path) else { return nil }
    guard !text.hasPrefix("/"), !text.isEmpty else { return text }
    return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(text)
      .standardizedFileURL.path
  }

  /// A time limit for one exchange: more than 0 and at most an hour, in seconds or with a
  /// unit (`5`, `2.5`, `5s`, `500 ms`, `1 min`).
  private func seconds(_ node: Node, path: String) throws(InventoryProblem) -> Double {
    let text = try string(node, path: path)
    guard let value = DurationText.seconds(text), value > 0, value <= 3600 else {
      throw error(
        at: node, path: path,
        "expected a length of time such as \(DurationText.examples) (more than 0, at most 1 h), found \"\(text)\""
      )
    }
    return value
  }

  /// A length of time in whole seconds, from a second to a year (`90`, `30 min`, `4h`, `2d`).
  private func duration(_ node: Node, path: String) throws(InventoryProblem) -> Int {
    let text = try string(node, path: path)
    guard let value = DurationText.seconds(text), value >= 1, value <= 31_536_000,
      value == value.rounded()
    else {
      throw error(
        at: node, path: path,
        "expected a length of time such as 90, 30 min, 4h or 2d (whole seconds, at most a year), found \"\(text)\""
      )
    }
    return Int(value)
  }

  private func integer(_ node: Node, path: String, range: ClosedRange<Int>) throws(InventoryProblem)
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

  func error(at node: Node, path: String, _ message: String) -> InventoryProblem {
    InventoryProblem(
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

  static func translate(_ error: YamlError, file: String) -> InventoryProblem {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return InventoryProblem(
        file: file, line: mark.line, column: mark.column, path: "",
        message: "not valid YAML: \(problem)")
    default:
      return InventoryProblem(
        file: file, line: 1, column: 1, path: "", message: "not valid YAML: \(error)")
    }
  }

  /// One problem per line indented with a tab, at the tab: YAML indents with spaces only.
  static func tabIndentedLines(in text: String, file: String) -> [InventoryProblem] {
    var problems: [InventoryProblem] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
      let indent = line.prefix { $0 == " " || $0 == "\t" }
      guard let tab = indent.firstIndex(of: "\t") else { continue }
      problems.append(
        InventoryProblem(
          file: file, line: index + 1, column: line.distance(from: line.startIndex, to: tab) + 1,
          path: "",
          message:
            "a tab indents this line; YAML indents with spaces only: replace the tab with spaces"
        ))
    }
    return problems
  }
}
