import Foundation
import Snapshot
import Yams

extension Acknowledgements {
  /// Reads an acknowledgements file (`--acknowledgements FILE`). Every mistake names its line,
  /// column and key path, as the inventory's do.
  public static func load(path: String) throws(InventoryError) -> Acknowledgements {
    try parse(InventoryParser.text(ofFile: path, what: "the acknowledgements file"), file: path)
  }

  /// Parses acknowledgements text; `file` names it in messages and on the page.
  public static func parse(_ text: String, file: String) throws(InventoryError)
    -> Acknowledgements
  {
    try InventoryParser.document(
      text, file: file,
      empty: "the acknowledgements file is empty: expected 'acknowledgements' or 'maintenance'"
    ) { parser, root in parser.acknowledgements(from: root) }
  }
}

extension InventoryParser {
  static let acknowledgementKeys = [
    "appliance", "relationship", "site", "by", "reason", "ticket", "until", "up-to",
  ]
  static let maintenanceKeys = ["appliance", "site", "from", "until", "reason"]
  /// The severities an acknowledgement can cover, least first.
  static let coverableSeverities = ["warning", "unknown", "critical"]

  func acknowledgements(from root: Node) -> Acknowledgements? {
    guard
      let top = attempt({ () throws(InventoryProblem) in
        try mapping(root, path: "", expected: "a mapping with 'acknowledgements' or 'maintenance'")
      })
    else { return nil }
    rejectUnknownKeys(top, allowed: ["acknowledgements", "maintenance"], path: "")
    var result = Acknowledgements(file: URL(fileURLWithPath: file).lastPathComponent)
    result.acknowledgements = entries(top["acknowledgements"], path: "acknowledgements") {
      acknowledgement($0, path: $1)
    }
    result.maintenance = entries(top["maintenance"], path: "maintenance") {
      window($0, path: $1)
    }
    return result
  }

  /// Each entry of the list at `node` that reads without a mistake.
  private func entries<Entry>(
    _ node: Node?, path: String, _ read: (Node, String) -> Entry?
  ) -> [Entry] {
    guard let node else { return [] }
    guard case .sequence(let sequence) = node else {
      log.problems.append(error(at: node, path: path, "expected a list"))
      return []
    }
    return sequence.enumerated().compactMap { index, entry in read(entry, "\(path)[\(index)]") }
  }

  private func acknowledgement(_ node: Node, path: String) -> Acknowledgement? {
    let before = log.problems.count
    guard
      let map = entry(
        node, path: path, expected: "a mapping with 'by', 'reason' and 'until'",
        allowed: Self.acknowledgementKeys)
    else { return nil }
    let appliances = names(map["appliance"], path: path + ".appliance")
    let relationship = text(map, "relationship", path: path)
    let site = text(map, "site", path: path)
    if map["appliance"] == nil, relationship == nil, site == nil {
      log.problems.append(
        error(
          at: node, path: path,
          "say what it covers: 'appliance' (a name or a list), 'relationship' or 'site'"))
    }
    let by = required(map, "by", in: node, path: path, "who acknowledges it")
    let reason = required(map, "reason", in: node, path: path, "why")
    let until = time(map, "until", in: node, path: path)
    var upTo = "critical"
    if let node = map["up-to"] {
      upTo =
        attempt { () throws(InventoryProblem) in
          let text = try string(node, path: path + ".up-to")
          guard Self.coverableSeverities.contains(text) else {
            throw error(
              at: node, path: path + ".up-to",
              "expected one of \(Self.coverableSeverities.joined(separator: ", ")), found \"\(text)\""
            )
          }
          return text
        } ?? upTo
    }
    guard log.problems.count == before, let by, let reason, let until else { return nil }
    return Acknowledgement(
      line: node.mark?.line ?? 1, appliances: appliances, relationship: relationship, site: site,
      by: by, reason: reason, ticket: text(map, "ticket", path: path), until: until, upTo: upTo)
  }

  private func window(_ node: Node, path: String) -> MaintenanceWindow? {
    let before = log.problems.count
    guard
      let map = entry(
        node, path: path, expected: "a mapping with 'from', 'until' and 'reason'",
        allowed: Self.maintenanceKeys)
    else { return nil }
    let appliances = names(map["appliance"], path: path + ".appliance")
    let sites = names(map["site"], path: path + ".site")
    if map["appliance"] == nil, map["site"] == nil {
      log.problems.append(
        error(at: node, path: path, "say what it covers: 'appliance' or 'site' (a name or a list)"))
    }
    let from = time(map, "from", in: node, path: path)
    let until = time(map, "until", in: node, path: path)
    let reason = required(map, "reason", in: node, path: path, "what the work is")
    if let from, let until, until <= from, let node = map["until"] {
      log.problems.append(
        error(at: node, path: path + ".until", "the window must end after it starts ('from')"))
    }
    guard log.problems.count == before, let from, let until, let reason else { return nil }
    return MaintenanceWindow(
      line: node.mark?.line ?? 1, appliances: appliances, sites: sites, from: from, until: until,
      reason: reason)
  }

  // MARK: - Reads

  /// One name or a list of names.
  private func names(_ node: Node?, path: String) -> [String] {
    guard let node else { return [] }
    let expected = "expected a name or a list of names"
    switch node {
    case .scalar(let scalar) where !scalar.string.isEmpty: return [scalar.string]
    case .sequence(let sequence) where !sequence.isEmpty:
      var names: [String] = []
      for (index, element) in sequence.enumerated() {
        guard case .scalar(let scalar) = element, !scalar.string.isEmpty else {
          log.problems.append(error(at: element, path: "\(path)[\(index)]", expected))
          continue
        }
        names.append(scalar.string)
      }
      return names
    default:
      log.problems.append(error(at: node, path: path, expected))
      return []
    }
  }

  private func text(_ map: Node.Mapping, _ key: String, path: String) -> String? {
    guard let node = map[key] else { return nil }
    return attempt { () throws(InventoryProblem) in try string(node, path: path + "." + key) }
  }

  private func required(
    _ map: Node.Mapping, _ key: String, in node: Node, path: String, _ meaning: String
  ) -> String? {
    guard map[key] != nil else {
      log.problems.append(error(at: node, path: path, "expected a key '\(key)' (\(meaning))"))
      return nil
    }
    guard let value = text(map, key, path: path), !value.isEmpty else {
      if let node = map[key] {
        log.problems.append(error(at: node, path: path + "." + key, "expected \(meaning)"))
      }
      return nil
    }
    return value
  }

  /// A time in UTC, as `2026-12-31T00:00:00Z`.
  private func time(_ map: Node.Mapping, _ key: String, in node: Node, path: String) -> Date? {
    guard let value = map[key] else {
      log.problems.append(
        error(at: node, path: path, "expected a key '\(key)' (a time in UTC, 2026-12-31T18:00:00Z)")
      )
      return nil
    }
    return attempt { () throws(InventoryProblem) in
      let text = try string(value, path: path + "." + key)
      guard let date = Timestamp.date(iso: text) else {
        throw error(
          at: value, path: path + "." + key,
          "expected a time in UTC such as 2026-12-31T18:00:00Z, found \"\(text)\"")
      }
      return date
    }
  }
}
