import Templating

/// The help texts of every field and state, read from `Templates/help.json` so an operator can
/// translate them.
public struct HelpCatalog: Sendable {
  /// `fields`: label and help per field key.
  public var fields: TemplateValue
  public var keaStates: [TemplateValue]
  public var failoverStates: [TemplateValue]

  public init(json: String) throws {
    guard case .object(let root) = try TemplateValue(json: json),
      case .object? = root["fields"], case .list(let kea)? = root["keaStates"],
      case .list(let failover)? = root["failoverStates"]
    else {
      throw ReportError("help.json must hold 'fields', 'keaStates' and 'failoverStates'")
    }
    self.fields = root["fields"] ?? .null
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
