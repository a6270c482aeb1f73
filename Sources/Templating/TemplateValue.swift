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
///
/// Small objects (the usual case in a view) are searched linearly, comparing a cheap key
/// signature before the key itself; larger ones keep an open-addressing table of positions,
/// indexed by that same signature. No key is ever hashed with `Hasher`: a page builds hundreds
/// of thousands of objects, and SipHash over every key was a large part of building them. The
/// arrays live in one immutable box, so passing an object around costs a single reference count
/// and reading it needs no exclusivity checks; changing a key builds a new box.
public struct TemplateObject: Sendable, Equatable {
  private final class Storage: Sendable {
    let keys: [String]
    let values: [TemplateValue]
    let signatures: [UInt64]
    /// Position + 1 of each key, at its signature's slot (or the next free one); 0 is empty.
    /// Empty for small objects.
    let slots: [Int32]

    init(keys: [String], values: [TemplateValue], signatures: [UInt64]) {
      self.keys = keys
      self.values = values
      self.signatures = signatures
      slots = keys.count > TemplateObject.linearLimit ? Self.table(of: signatures) : []
    }

    private static func table(of signatures: [UInt64]) -> [Int32] {
      var capacity = 1
      while capacity < signatures.count * 2 { capacity <<= 1 }
      var slots = [Int32](repeating: 0, count: capacity)
      let mask = capacity - 1
      for (position, signature) in signatures.enumerated() {
        var slot = Int(truncatingIfNeeded: signature) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(position + 1)
      }
      return slots
    }

    func position(of key: String, signature: UInt64) -> Int? {
      if slots.isEmpty {
        var position = 0
        while position < signatures.count {
          if signatures[position] == signature, keys[position] == key { return position }
          position += 1
        }
        return nil
      }
      let mask = slots.count - 1
      var slot = Int(truncatingIfNeeded: signature) & mask
      while slots[slot] != 0 {
        let position = Int(slots[slot]) - 1
        if signatures[position] == signature, keys[position] == key { return position }
        slot = (slot + 1) & mask
      }
      return nil
    }
  }

  private var storage: Storage

  fileprivate static let linearLimit = 12

  public init() {
    storage = Storage(keys: [], values: [], signatures: [])
  }

  /// An object with these keys and values; a repeated key keeps its first place and its last
  /// value.
  public init(_ pairs: [(String, TemplateValue)]) {
    var keys: [String] = []
    var values: [TemplateValue] = []
    var signatures: [UInt64] = []
    keys.reserveCapacity(pairs.count)
    values.reserveCapacity(pairs.count)
    signatures.reserveCapacity(pairs.count)
    // Repeats are rare and objects small: a scan of the signatures so far finds them, and
    // only a large object (a JSON document's) pays for a dictionary.
    var seen: [String: Int]? = pairs.count > 64 ? [:] : nil
    for (key, value) in pairs {
      let signature = KeySignature.of(key)
      var repeated: Int?
      if seen != nil {
        repeated = seen?[key]
        seen?[key] = repeated ?? keys.count
      } else {
        var position = 0
        while position < signatures.count {
          if signatures[position] == signature, keys[position] == key {
            repeated = position
            break
          }
          position += 1
        }
      }
      if let repeated {
        values[repeated] = value
        continue
      }
      keys.append(key)
      values.append(value)
      signatures.append(signature)
    }
    storage = Storage(keys: keys, values: values, signatures: signatures)
  }

  /// The keys, in the order they were added.
  public var keys: [String] { storage.keys }

  /// The values, in the order of their keys.
  var values: [TemplateValue] { storage.values }

  public var count: Int { storage.keys.count }

  /// Lookup with a signature computed once, when the template was parsed.
  func value(forKey key: String, signature: UInt64) -> TemplateValue? {
    guard let position = storage.position(of: key, signature: signature) else { return nil }
    return storage.values[position]
  }

  public subscript(key: String) -> TemplateValue? {
    get { value(forKey: key, signature: KeySignature.of(key)) }
    set {
      var keys = storage.keys
      var values = storage.values
      var signatures = storage.signatures
      if let position = storage.position(of: key, signature: KeySignature.of(key)) {
        if let newValue {
          values[position] = newValue
        } else {
          keys.remove(at: position)
          values.remove(at: position)
          signatures.remove(at: position)
        }
      } else if let newValue {
        keys.append(key)
        values.append(newValue)
        signatures.append(KeySignature.of(key))
      } else {
        return
      }
      storage = Storage(keys: keys, values: values, signatures: signatures)
    }
  }

  public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
    lhs.storage === rhs.storage
      || (lhs.storage.keys == rhs.storage.keys && lhs.storage.values == rhs.storage.values)
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

/// FNV-1a over a key's UTF-8 bytes: equal keys have equal signatures, so most unequal keys are
/// told apart by one integer comparison.
enum KeySignature {
  static func of(_ key: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return hash
  }
}
