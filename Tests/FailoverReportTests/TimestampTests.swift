import Foundation
import Snapshot
import Testing

@testable import Assessment

@Suite("UTC timestamps")
struct TimestampTests {
  /// The hand-written formatter must agree with Foundation's ISO 8601 formatter second for
  /// second, across leap years, century rules and dates before 1970.
  @Test(arguments: [
    -12_219_292_800.0, -2_208_988_800.5, -1, 0, 0.999, 951_782_400, 951_868_799, 4_107_542_400,
    1_795_300_000, 253_402_300_799,
  ])
  func agreesWithFoundation(secondsSince1970: Double) {
    let date = Date(timeIntervalSince1970: secondsSince1970)
    #expect(Timestamp.iso(date) == foundation(date))
  }

  /// ISO 8601 counts in the proleptic Gregorian calendar; Foundation switches to the Julian
  /// calendar before October 1582, so the two part there, and ours is the standard's answer.
  @Test func countsInTheProlepticGregorianCalendar() {
    #expect(Timestamp.iso(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00Z")
    #expect(Timestamp.iso(Date(timeIntervalSince1970: -12_219_292_801)) == "1582-10-14T23:59:59Z")
  }

  @Test func agreesWithFoundationOnEveryDayOfFourCenturies() {
    // 1900-01-01 to 2300-01-01 one day and 7 seconds at a time, so every month, leap day and
    // time of day is covered.
    var seconds = -2_208_988_800
    var mismatches: [String] = []
    while seconds < 10_413_792_000 {
      let date = Date(timeIntervalSince1970: Double(seconds))
      if Timestamp.iso(date) != foundation(date) { mismatches.append(foundation(date)) }
      seconds += 86_407
    }
    #expect(mismatches.isEmpty)
  }

  private let formatter: ISO8601DateFormatter = {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter
  }()

  private func foundation(_ date: Date) -> String { formatter.string(from: date) }
}

/// Kea's heartbeat clock, read by hand, against Foundation's formatter as the reference.
@Suite("HTTP dates")
struct HTTPDateTests {
  @Test("every 754,369th second from 1970 to 2100 reads as Foundation's formatter reads it")
  func matchesFormatter() {
    let writer = DateFormatter()
    writer.locale = Locale(identifier: "en_US_POSIX")
    writer.timeZone = TimeZone(identifier: "GMT")
    writer.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    let reader = DateFormatter()
    reader.locale = Locale(identifier: "en_US_POSIX")
    reader.timeZone = TimeZone(identifier: "GMT")
    reader.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    var checked = 0
    for second in stride(from: 0, to: 4_102_444_800, by: 754_369) {
      let text = writer.string(from: Date(timeIntervalSince1970: Double(second)))
      #expect(HTTPDate.parse(text) == reader.date(from: text), "\(text)")
      #expect(HTTPDate.parse(text)?.timeIntervalSince1970 == Double(second), "\(text)")
      checked += 1
    }
    #expect(checked > 5_000)
  }

  @Test("days since 1970 and the calendar date agree both ways, before 1970 too")
  func daysSinceEpoch() {
    for days in stride(from: -800_000, through: 800_000, by: 997) {
      let iso = Timestamp.iso(Date(timeIntervalSince1970: Double(days) * 86_400))
      let parts = iso.dropFirst(iso.hasPrefix("-") ? 1 : 0).prefix(10).split(separator: "-")
      let year = (Int(parts[0]) ?? 0) * (iso.hasPrefix("-") ? -1 : 1)
      #expect(
        Timestamp.daysSinceEpoch(year: year, month: Int(parts[1]) ?? 0, day: Int(parts[2]) ?? 0)
          == days, "\(iso)")
    }
  }

  @Test(
    "what is not an RFC 1123 date is nil",
    arguments: [
      "", "Sun, 22 Nov 2026 11:50:37", "Sun 22 Nov 2026 11:50:37 GMT",
      "Sun, 22 Foo 2026 11:50:37 GMT",
      "Sun, 32 Nov 2026 11:50:37 GMT", "Sun, 22 Nov 2026 24:00:00 GMT",
      "Sun, 22 Nov 26 11:50:37 GMT",
      "Sun, 22 Nov 2026 11:50 GMT", "Sun, 22 Nov 2026 11:50:37 CET",
      "Sun, +2 Nov 2026 11:50:37 GMT",
    ])
  func rejected(text: String) {
    #expect(HTTPDate.parse(text) == nil)
  }
}
