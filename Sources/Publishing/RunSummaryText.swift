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
/// end
/// ```
public enum RunSummaryText {
  static let header = "failover-report run summary 1"

  /// Why a summary file cannot be used.
  public struct Problem: Error, CustomStringConvertible, Sendable {
    public var description: String
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
    lines.append("end")
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }

  public static func decode(_ bytes: [UInt8]) throws(Problem) -> RunSummary {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw Problem(description: "it is not UTF-8 text")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    guard lines.first == Substring(header) else {
      throw Problem(description: "its first line is not \"\(header)\"")
    }
    guard lines.last == "end" else {
      throw Problem(description: "it is cut short (no \"end\" line)")
    }
    var at: Date?
    var relationships: [(id: String, record: RelationshipRecord)] = []
    var down: Set<String> = []
    var failovers: [String: Date] = [:]
    for (number, line) in lines.enumerated().dropFirst().dropLast() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      let bad = Problem(
        description: "line \(number + 1) is not a summary line: \"\(line.prefix(60))\"")
      switch fields.first {
      case "at" where fields.count == 2:
        guard let seconds = Int(fields[1]) else { throw bad }
        at = Date(timeIntervalSince1970: Double(seconds))
      case "down" where fields.count == 2:
        down.insert(unescape(fields[1]))
      case "failover" where fields.count == 3:
        guard let seconds = Int(fields[2]) else { throw bad }
        failovers[unescape(fields[1])] = Date(timeIntervalSince1970: Double(seconds))
      case "relationship" where fields.count == 5:
        guard let severity = Severity(rawValue: fields[2]), let at else { throw bad }
        relationships.append(
          (
            unescape(fields[1]),
            RelationshipRecord(
              name: unescape(fields[4]), at: at, severity: severity, states: unescape(fields[3]))
          ))
      default: throw bad
      }
    }
    guard let at else { throw Problem(description: "it has no \"at\" line") }
    return RunSummary(
      at: at, relationships: relationships, partnerDown: down, lastFailovers: failovers)
  }

  /// Whole seconds, as the archived snapshot's ISO times hold them.
  static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

  /// The same summary with its times in whole seconds: what reading it back gives.
  public static func wholeSeconds(_ summary: RunSummary) -> RunSummary {
    let at = Date(timeIntervalSince1970: Double(seconds(summary.at)))
    return RunSummary(
      at: at,
      relationships: summary.relationships.map { id, record in
        var record = record
        record.at = at
        return (id, record)
      }, partnerDown: summary.partnerDown,
      lastFailovers: summary.lastFailovers.mapValues {
        Date(timeIntervalSince1970: Double(seconds($0)))
      })
  }

  /// Names and states come from appliances: a tab or a line break in one must not break the
  /// line.
  static func escape(_ text: String) -> String {
    guard text.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\\" || $0 == "\r" }) else {
      return text
    }
    return text.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
      .replacingOccurrences(of: "\r", with: "\\r")
  }

  static func unescape(_ text: String) -> String {
    guard text.contains("\\") else { return text }
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
