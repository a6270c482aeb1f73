/// A value a template can read: a closed set of kinds, so rendering never needs reflection.
public enum TemplateValue: Sendable, Equatable {
  case string(String)
  case number(Double)
  case bool(Bool)
  case null
  case list([TemplateValue])
  case object(TemplateObject)

  /// Whether a section over this value renders (Mustache's notion of truthiness).
  var isTruthy: Bool {
    switch self {
    case .bool(let value): return value
    case .null: return false
    case .list(let items): return !items.isEmpty
    case .string(let text): return !text.isEmpty
    case .number, .object: return true
    }
  }

  /// A short name of the kind, for error messages.
  var kindName: String {
    switch self {
    case .string: return "a string"
    case .number: return "a number"
    case .bool: return "a boolean"
    case .null: return "null"
    case .list: return "a list"
    case .object: return "an object"
    }
  }
}

/// An object whose keys keep the order they were added in.
public struct TemplateObject: Sendable, Equatable {
  public private(set) var keys: [String] = []
  private var storage: [String: TemplateValue] = [:]

  public init() {}

  public init(_ pairs: [(String, TemplateValue)]) {
    for (key, value) in pairs { self[key] = value }
  }

  public subscript(key: String) -> TemplateValue? {
    get { storage[key] }
    set {
      if storage.updateValue(newValue ?? .null, forKey: key) == nil { keys.append(key) }
      if newValue == nil {
        storage[key] = nil
        keys.removeAll { $0 == key }
      }
    }
  }

  public var count: Int { keys.count }

  public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
    lhs.keys == rhs.keys && lhs.storage == rhs.storage
  }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
  public init(dictionaryLiteral elements: (String, TemplateValue)...) {
    self = .object(TemplateObject(elements))
  }
  public init(nilLiteral: ()) { self = .null }
}

extension TemplateValue {
  /// The text an interpolation writes: integers without a fraction, other numbers in their
  /// shortest exact form, so a page never depends on the locale.
  var interpolatedText: String? {
    switch self {
    case .string(let text): return text
    case .number(let number):
      if number.rounded() == number, abs(number) < 9.0e15 { return String(Int64(number)) }
      return String(number)
    case .bool(let value): return value ? "true" : "false"
    case .null: return ""
    case .list, .object: return nil
    }
  }
}
