import Foundation

/// UTC ISO 8601 timestamps to the second (`2026-11-22T02:15:18Z`), as the snapshot, the page
/// and the logs write them.
///
/// Written out by hand: `ISO8601DateFormatter` builds an ICU formatter per instance, which
/// cost a fifth of the time to render a 10,000-server page, and the output never depends on
/// a locale or a time zone.
public enum Timestamp {
  /// The date cut to the whole second before it: a snapshot keeps times to the second (its
  /// JSON does), so a page made again from snapshot.json shows the same ages.
  public static func wholeSeconds(_ date: Date) -> Date {
    Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
  }

  /// The time as people read it on the page and in its sentences: `2026-12-07 06:39:15 UTC`
  /// (the page's `<time>` elements carry the ISO form beside it).
  public static func text(_ date: Date) -> String {
    iso(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
  }

  public static func iso(_ date: Date) -> String {
    let total = Int(date.timeIntervalSince1970.rounded(.down))
    let (days, secondOfDay) = floorDivision(total, 86_400)
    let (year, month, day) = civilDate(daysSinceEpoch: days)
    var text = year < 0 ? "-" : ""
    text += padded(abs(year), 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    text += "T" + padded(secondOfDay / 3600, 2) + ":" + padded(secondOfDay % 3600 / 60, 2)
    text += ":" + padded(secondOfDay % 60, 2) + "Z"
    return text
  }

  /// The time an ISO 8601 timestamp to the second names: `2026-11-22T02:15:18Z`, or with an
  /// offset (`+01:00`, `+0100`) instead of `Z`; what `JSONDecoder`'s `.iso8601` reads. Nil
  /// for anything else, a fraction of a second included.
  public static func date(iso text: String) -> Date? {
    let bytes = Array(text.utf8)
    func number(_ start: Int, _ count: Int) -> Int? {
      guard start + count <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[start..<(start + count)] {
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
    guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2),
      byte(7) == UInt8(ascii: "-"), let day = number(8, 2), byte(10) == UInt8(ascii: "T"),
      let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2),
      byte(16) == UInt8(ascii: ":"), let second = number(17, 2),
      (1...12).contains(month), day >= 1, hour < 24, minute < 60, second < 60
    else { return nil }
    let days = daysSinceEpoch(year: year, month: month, day: day)
    // 31 February and the like would name a day of the next month.
    guard civilDate(daysSinceEpoch: days) == (year, month, day) else { return nil }
    var offset = 0
    switch (byte(19), bytes.count) {
    case (UInt8(ascii: "Z"), 20): break
    case (let sign?, 25) where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
      guard let hours = number(20, 2), byte(22) == UInt8(ascii: ":"), let minutes = number(23, 2)
      else { return nil }
      offset = (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
    case (let sign?, 24) where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
      guard let hours = number(20, 2), let minutes = number(22, 2) else { return nil }
      offset = (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
    default: return nil
    }
    return Date(
      timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset))
  }

  /// Year, month and day of the proleptic Gregorian calendar (Howard Hinnant's
  /// `civil_from_days`, valid for every day an `Int` can count).
  static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468
    let (era, dayOfEra) = floorDivision(shifted, 146_097)
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// Days from 1970-01-01 to a day of the proleptic Gregorian calendar (Hinnant's
  /// `days_from_civil`, the inverse of `civilDate`).
  public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  private static func floorDivision(_ value: Int, _ divisor: Int) -> (Int, Int) {
    let remainder = value % divisor
    return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
  }

  private static func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
