import Assessment
import Foundation

/// The text form of a `RunSummary`, as the archive keeps it beside each run
/// (`HHMMSSZ-summary.tsv`): one fact per line, tab-separated, times in whole Unix seconds
/// (as the archived snapshot holds them), and a last line `end`, so that a file cut short is
/// known as such.
///
/// ```
/// failover-report run summary 1
/// at	1795315262
/// down	dc3-kea-a
/// failover	dc3-kea-b	1795311662
/// relationship	r-kea-dhcp4-dc3	critical	partner-down/unavailable	dc3-kea-a & dc3-kea-b
/// handled	r-kea-dhcp4-dc3	acknowledged
/// end
/// ```
public enum RunSummaryText {
  static let header = "failover-report run summary 1"
  static let relationshipKeyword = Array("relationship".utf8)

  /// Why a summary file cannot be used.
  public struct Problem: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// Whether two summaries say the same but for their time: nothing the history keeps
  /// changed between the two runs.
  static func sameButTime(_ one: [UInt8], _ other: [UInt8]) -> Bool {
    guard let (_, first) = Interner.atLine(one), let (_, second) = Interner.atLine(other) else {
      return false
    }
    return one[first...].elementsEqual(other[second...])
  }

  public static func encode(_ summary: RunSummary) -> [UInt8] {
    var lines = [header, "at\t\(seconds(summary.at))"]
    for name in summary.partnerDown.sorted() { lines.append("down\t\(escape(name))") }
    for (name, date) in summary.lastFailovers.sorted(by: { $0.key < $1.key }) {
      lines.append("failover\t\(escape(name))\t\(seconds(date))")
    }
    for (id, record) in summary.relationships {
      lines.append(
        [
          "relationship", escape(id), record.severity.rawValue, escape(record.states),
          escape(record.name),
        ].joined(separator: "\t"))
    }
    for (id, kind) in summary.handled.sorted(by: { $0.key < $1.key }) {
      lines.append("handled\t\(escape(id))\t\(escape(kind))")
    }
    lines.append("end")
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }

  /// Reads a summary. Works on the bytes: history reads a month's worth of these per run
  /// (about 9,000), and splitting `String`s by `Character` cost twenty times as much.
  public static func decode(_ bytes: [UInt8], strings: Interner = Interner()) throws(Problem)
    -> RunSummary
  {
    if let repeated = strings.repeatedSummary(bytes) { return repeated }
    let summary = try decodeInFull(bytes, strings: strings)
    strings.remember(bytes, summary)
    return summary
  }

  private static func decodeInFull(_ bytes: [UInt8], strings: Interner) throws(Problem)
    -> RunSummary
  {
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw Problem(description: "it is not UTF-8 text")
    }
    var lines: [Range<Int>] = []
    var lineStart = 0
    for index in bytes.indices where bytes[index] == 0x0A {
      lines.append(lineStart..<index)
      lineStart = index + 1
    }
    if lineStart < bytes.count { lines.append(lineStart..<bytes.count) }
    guard let first = lines.first, bytes[first].elementsEqual(header.utf8) else {
      throw Problem(description: "its first line is not \"\(header)\"")
    }
    guard lines.count > 1, let last = lines.last, bytes[last].elementsEqual("end".utf8) else {
      throw Problem(description: "it is cut short (no \"end\" line)")
    }
    var at: Date?
    var relationships: [(id: String, record: RelationshipRecord)] = []
    var down: Set<String> = []
    var failovers: [String: Date] = [:]
    var handled: [String: String] = [:]
    var fields: [Range<Int>] = []
    for number in 1..<(lines.count - 1) {
      let line = lines[number]
      fields.removeAll(keepingCapacity: true)
      var fieldStart = line.lowerBound
      for index in line where bytes[index] == 0x09 {
        fields.append(fieldStart..<index)
        fieldStart = index + 1
      }
      fields.append(fieldStart..<line.upperBound)
      var bad: Problem {
        Problem(
          description:
            "line \(number + 1) is not a summary line: \"\(String(decoding: bytes[line].prefix(60), as: UTF8.self))\""
        )
      }
      func text(_ position: Int) -> String {
        strings.string(bytes, fields[position], slot: number * 8 + position)
      }
      func seconds(_ position: Int) throws(Problem) -> Date {
        guard let value = integer(bytes, fields[position]) else { throw bad }
        return Date(timeIntervalSince1970: Double(value))
      }
      let keyword = bytes[fields[0]]
      switch fields.count {
      case 5 where keyword.elementsEqual(Self.relationshipKeyword):
        guard let severity = Severity(rawValue: text(2)), let at else { throw bad }
        relationships.append(
          (text(1), RelationshipRecord(name: text(4), at: at, severity: severity, states: text(3))))
      case 2 where keyword.elementsEqual("at".utf8): at = try seconds(1)
      case 2 where keyword.elementsEqual("down".utf8): down.insert(text(1))
      case 3 where keyword.elementsEqual("failover".utf8): failovers[text(1)] = try seconds(2)
      case 3 where keyword.elementsEqual("handled".utf8): handled[text(1)] = text(2)
      default: throw bad
      }
    }
    guard let at else { throw Problem(description: "it has no \"at\" line") }
    return RunSummary(
      at: at, relationships: relationships, partnerDown: down, lastFailovers: failovers,
      handled: handled)
  }

  /// Reuses what the summary read before gave. A month of summaries repeats the same
  /// relationship ids, names and states run after run, line for line: most summaries differ
  /// from the one before only in their `at` line, and are then that summary at a new time
  /// (one comparison of bytes instead of a parse). Otherwise comparing a field's bytes with
  /// the same field of the run before is cheaper than making a new `String` of it (and the
  /// history keeps one copy instead of thousands).
  public final class Interner {
    /// For each line and field of the summary read before: its bytes and its text.
    private var previous: [(bytes: ArraySlice<UInt8>, text: String)?] = []
    /// The summary read before, and its bytes after the `at` line.
    private var last: (rest: [UInt8], summary: RunSummary)?

    public init() {}

    /// Where the line after `at` starts, and the time on the `at` line, if the bytes begin
    /// with the header and an `at` line.
    static func atLine(_ bytes: [UInt8]) -> (time: Int, rest: Int)? {
      let prefix = Array((RunSummaryText.header + "\nat\t").utf8)
      guard bytes.count > prefix.count, bytes.starts(with: prefix),
        let end = bytes[prefix.count...].firstIndex(of: 0x0A),
        let time = RunSummaryText.integer(bytes, prefix.count..<end)
      else { return nil }
      return (time, end + 1)
    }

    /// The summary read before at this file's time, when everything after the `at` line is
    /// the same bytes.
    func repeatedSummary(_ bytes: [UInt8]) -> RunSummary? {
      guard let last, let (time, rest) = Self.atLine(bytes), bytes.count - rest == last.rest.count
      else { return nil }
      let same = bytes.withUnsafeBufferPointer { buffer in
        last.rest.withUnsafeBufferPointer { known in
          guard let base = buffer.baseAddress, let knownBase = known.baseAddress else {
            return known.isEmpty
          }
          return memcmp(base + rest, knownBase, known.count) == 0
        }
      }
      guard same else { return nil }
      let at = Date(timeIntervalSince1970: Double(time))
      var summary = last.summary
      summary.at = at
      for index in summary.relationships.indices { summary.relationships[index].record.at = at }
      return summary
    }

    func remember(_ bytes: [UInt8], _ summary: RunSummary) {
      guard let (_, rest) = Self.atLine(bytes) else { return }
      last = (Array(bytes[rest...]), summary)
    }

    /// A field's text, unescaped only when it holds a backslash.
    func string(_ bytes: [UInt8], _ range: Range<Int>, slot: Int) -> String {
      let slice = bytes[range]
      if slot < previous.count, let known = previous[slot], known.bytes.elementsEqual(slice) {
        return known.text
      }
      let decoded = String(decoding: slice, as: UTF8.self)
      let text = slice.contains(0x5C) ? unescape(decoded) : decoded
      if slot >= previous.count {
        previous.append(contentsOf: repeatElement(nil, count: slot - previous.count + 1))
      }
      previous[slot] = (slice, text)
      return text
    }
  }

  /// A decimal integer (an optional minus, then digits), or nil.
  static func integer(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
    var digits = bytes[range]
    let negative = digits.first == 0x2D
    if negative { digits = digits.dropFirst() }
    guard !digits.isEmpty, digits.count <= 18 else { return nil }
    var value = 0
    for byte in digits {
      guard (0x30...0x39).contains(byte) else { return nil }
      value = value * 10 + Int(byte - 0x30)
    }
    return negative ? -value : value
  }

  /// Whole seconds, as the archived snapshot's ISO times hold them.
  static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

  /// Names and states come from appliances: a tab or a line break in one must not break the
  /// line.
  static func escape(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x5C || $0 == 0x0D })
    else { return text }
    return text.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
      .replacingOccurrences(of: "\r", with: "\\r")
  }

  static func unescape(_ text: String) -> String {
    var result = ""
    var escaped = false
    for character in text {
      if escaped {
        switch character {
        case "t": result.append("\t")
        case "n": result.append("\n")
        case "r": result.append("\r")
        default: result.append(character)
        }
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else {
        result.append(character)
      }
    }
    return result
  }
}
