import Foundation
import Snapshot

/// Reads an EdgeConnect "DHCP Failover State" table exported as CSV, with the documented
/// columns: Appliance, Failover Group Name, My State, My State Time, Partner State, Partner
/// State Time, MCLT. EdgeConnect has no public REST endpoint for this state, so the export is
/// the documented way in.
struct FailoverTableCollector {
  let entry: ApplianceEntry
  let settings: CollectionSettings

  static let columns = [
    "Appliance", "Failover Group Name", "My State", "My State Time", "Partner State",
    "Partner State Time", "MCLT",
  ]

  func collect() -> ApplianceObservation {
    let started = settings.clock()
    let path = entry.export ?? ""
    var observation = ApplianceObservation(
      name: entry.name, kind: .edgeconnect, site: entry.site, endpoint: "file://" + path,
      service: nil, askedAt: started, durationMilliseconds: 0)
    guard let data = FileManager.default.contents(atPath: path),
      let text = String(data: data.prefix(settings.maximumResponseBytes), encoding: .utf8)
    else {
      observation.failure = CollectionFailure(.configuration, "cannot read the export \(path)")
      return observation
    }
    do {
      observation.failoverPeers = try Self.parse(text, appliance: entry.name)
    } catch let failure as CollectionFailure {
      observation.failure = failure
    } catch {
      observation.failure = CollectionFailure(.malformed, "\(error)")
    }
    return observation
  }

  /// Rows of the export that belong to `appliance` (all rows when none names it).
  static func parse(_ text: String, appliance: String) throws -> [FailoverPeerStatus] {
    let rows = CSV.rows(text)
    guard let header = rows.first else {
      throw CollectionFailure(.malformed, "the export is empty")
    }
    let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
    var index: [String: Int] = [:]
    for column in columns {
      guard
        let position = names.firstIndex(where: { $0.caseInsensitiveCompare(column) == .orderedSame }
        )
      else {
        throw CollectionFailure(
          .malformed,
          "the export has no column \"\(column)\" (expected \(columns.joined(separator: ", ")))")
      }
      index[column] = position
    }
    func field(_ row: [String], _ column: String) -> String? {
      guard let position = index[column], position < row.count else { return nil }
      let value = row[position].trimmingCharacters(in: .whitespaces)
      return value.isEmpty ? nil : value
    }
    let body = rows.dropFirst().filter { $0.contains { !$0.isEmpty } }
    let mine = body.filter { field($0, "Appliance") == appliance }
    return (mine.isEmpty ? Array(body) : mine).map { row in
      var peer = FailoverPeerStatus(
        name: field(row, "Failover Group Name") ?? "(unnamed)",
        myState: field(row, "My State").map(normalizedState),
        myStateTime: field(row, "My State Time").flatMap(parseTime),
        partnerState: field(row, "Partner State").map(normalizedState),
        partnerStateTime: field(row, "Partner State Time").flatMap(parseTime),
        mclt: field(row, "MCLT").flatMap { Int($0.prefix { $0.isNumber }) })
      peer.appliance = field(row, "Appliance")
      return peer
    }
  }

  /// `Communications-Interrupted` → `communications-interrupted`, the protocol's spelling.
  static func normalizedState(_ text: String) -> String {
    let lowered = text.lowercased().replacingOccurrences(of: " ", with: "-")
    return lowered == "communication-interrupted" ? "communications-interrupted" : lowered
  }

  static func parseTime(_ text: String) -> Date? {
    let iso = ISO8601DateFormatter()
    if let date = iso.date(from: text) { return date }
    let parts = text.replacingOccurrences(of: "T", with: " ").split(separator: " ")
    guard parts.count >= 2 else { return nil }
    return DhcpdTime.parse(
      date: Substring(parts[0].replacingOccurrences(of: "-", with: "/")), time: parts[1])
  }
}

/// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF.
enum CSV {
  static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var iterator = text.makeIterator()
    while let character = iterator.next() {
      if quoted {
        if character == "\"" {
          if let following = iterator.next() {
            if following == "\"" {
              field.append("\"")
            } else {
              quoted = false
              if following == "," {
                row.append(field)
                field = ""
              } else if following == "\n" || following == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
              } else {
                field.append(following)
              }
            }
          } else {
            quoted = false
          }
        } else {
          field.append(character)
        }
        continue
      }
      switch character {
      case "\"": quoted = true
      case ",":
        row.append(field)
        field = ""
      case "\n", "\r\n":
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      default: field.append(character)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }
}
