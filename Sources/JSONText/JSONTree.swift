/// What a JSON document is read into: each kind of value, built bottom-up. The status page's
/// templates read JSON into their own values (key order kept), the collectors into theirs.
public protocol JSONTree {
  static func string(_ value: String) -> Self
  static func number(_ value: Double) -> Self
  static func bool(_ value: Bool) -> Self
  static var null: Self { get }
  static func array(_ items: [Self]) -> Self
  /// The object's keys and values in document order (duplicates included).
  static func object(_ pairs: [(String, Self)]) -> Self
}
