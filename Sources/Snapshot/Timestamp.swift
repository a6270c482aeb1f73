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
