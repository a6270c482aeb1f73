import Foundation
import Snapshot
import Testing

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
