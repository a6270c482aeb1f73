/// JSON as the simulator writes it: keys sorted, as Kea sends them.
public indirect enum WireJSON: Sendable, Equatable {
  case string(String)
  case int(Int)
  /// Written with at least one decimal, as Kea writes its floats (`0.0`).
  case double(Double)
  case bool(Bool)
  case null
  case array([WireJSON])
  case object([String: WireJSON])

  /// Compact JSON text.
  public var text: String {
    var output = ""
    write(to: &output)
    return output
  }

  private func write(to output: inout String) {
    switch self {
    case .string(let value): Self.writeString(value, to: &output)
    case .int(let value): output += String(value)
    case .double(let value):
      output += value.rounded() == value ? String(format: "%.1f", value) : String(value)
    case .bool(let value): output += value ? "true" : "false"
    case .null: output += "null"
    case .array(let items):
      output += "["
      for (index, item) in items.enumerated() {
        if index > 0 { output += ", " }
        item.write(to: &output)
      }
      output += "]"
    case .object(let fields):
      output += "{"
      for (index, key) in fields.keys.sorted().enumerated() {
        if index > 0 { output += ", " }
        Self.writeString(key, to: &output)
        output += ": "
        fields[key]?.write(to: &output)
      }
      output += "}"
    }
  }

  private static func writeString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    output += "\""
  }
}

extension WireJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: WireJSON...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, WireJSON)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}

extension WireJSON {
  static func strings(_ values: [String]) -> WireJSON { .array(values.map { .string($0) }) }
}
