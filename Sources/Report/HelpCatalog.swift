import Templating

/// The help texts of every field and state, read from `Templates/help.json` so an operator can
/// translate them.
public struct HelpCatalog: Sendable {
  /// `fields`: key, label and help per field key (templates write `fields.state.label`).
  public var fields: TemplateValue
  /// The same fields as a list, in the catalog's order, for the field guide.
  public var fieldList: [TemplateValue]
  public var keaStates: [TemplateValue]
  public var failoverStates: [TemplateValue]

  public init(json: String) throws {
    guard case .object(let root) = try TemplateValue(json: json),
      case .object? = root["fields"], case .list(let kea)? = root["keaStates"],
      case .list(let failover)? = root["failoverStates"]
    else {
      throw ReportError("help.json must hold 'fields', 'keaStates' and 'failoverStates'")
    }
    // Each field learns its own key, so a label can link to the field guide's entry.
    var keyed: [(String, TemplateValue)] = []
    if case .object(let fields)? = root["fields"] {
      for key in fields.keys {
        guard case .object(let field)? = fields[key] else {
          throw ReportError("help.json: field '\(key)' must be an object with label and help")
        }
        keyed.append(
          (
            key,
            .object(
              TemplateObject([("key", .string(key))] + field.keys.map { ($0, field[$0] ?? .null) }))
          ))
      }
    }
    self.fields = .object(TemplateObject(keyed))
    self.fieldList = keyed.map(\.1)
    self.keaStates = kea
    self.failoverStates = failover
  }

  /// The glossary entry of a state, if the catalog has it.
  func state(_ name: String?, in list: [TemplateValue]) -> TemplateObject? {
    for entry in list {
      if case .object(let object) = entry, object["name"] == .string(name ?? "") { return object }
    }
    return nil
  }
}
