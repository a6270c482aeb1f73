import Foundation

/// A length of time as an operator writes it, wherever one is read (the inventory, the
/// command line): a number of seconds, or a number with a unit: `5`, `2.5`, `5s`, `500 ms`,
/// `30 min`, `4h`, `2d`.
public enum DurationText {
  /// The units accepted, and how many seconds each is.
  static let units: [String: Double] = [
    "": 1, "ms": 0.001, "s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60,
    "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600, "d": 86_400,
    "day": 86_400, "days": 86_400,
  ]

  /// How the accepted forms are described in messages.
  public static let examples = "5, 2.5, 5s, 500 ms, 30 min, 4h or 2d"

  /// The number of seconds `text` stands for, or nil when it is not a length of time.
  public static func seconds(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
    guard !number.isEmpty, let value = Double(number), value.isFinite, let size = units[unit]
    else { return nil }
    return value * size
  }
}
