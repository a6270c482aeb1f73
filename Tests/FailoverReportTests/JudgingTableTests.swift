import Assessment
import Foundation
import Publishing
import Report
import Snapshot
import Testing

@testable import Collectors

/// The rule set as `docs/judging.md` writes it down, checked case by case: every pair of the
/// seed's failover states, with both partners in the inventory and with only one (whose view
/// of its partner must count the same), at three ages, for dhcpd and EdgeConnect alike.
///
/// The tables in the document are the expectations. After an intended change to the rules,
/// `JUDGING_TABLE=1 swift test --filter JudgingTable` prints the table the code now gives, to
/// review and paste into the document.
@Suite("Judging rule table")
struct JudgingTableTests {
  /// The states the seed documents list, in their spelling.
  static let seedStates = [
    "Normal", "Communications-Interrupted", "Partner-Down", "Recover", "Recover-wait",
    "Recover-done", "Unknown",
  ]
  static let mclt = 3600
  /// The three ages of the table's columns, in seconds: both states entered that long before
  /// the snapshot.
  static let ages = [("fresh", 60), ("past MCLT", mclt + 300), ("days", 3 * 86_400)]
  static let now = Date(timeIntervalSince1970: 1_795_000_000)

  struct Expectation: Equatable, CustomStringConvertible {
    var severity: Severity
    var code: String
    var description: String { "\(severity.rawValue): \(code)" }
  }

  struct Document {
    /// By my state, partner state and age column.
    var cells: [String: Expectation] = [:]
    /// By finding code: words the page must say.
    var words: [String: String] = [:]
    var exitCodes: [Severity: Int32] = [:]
  }

  static func key(_ mine: String, _ partner: String, _ age: String) -> String {
    "\(mine)|\(partner)|\(age)"
  }

  /// The three tables of the document, found by their header rows.
  static func document() throws -> Document {
    let text = try String(
      contentsOf: TestSupport.root.appendingPathComponent("docs/judging.md"), encoding: .utf8)
    var document = Document()
    var table = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      guard line.hasPrefix("|") else {
        table = ""
        continue
      }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
        .dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
      if table.isEmpty {
        table = cells.first ?? ""
        continue
      }
      if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) { continue }
      switch table {
      case "My state":
        for (index, age) in ages.enumerated() where index + 2 < cells.count {
          let parts = cells[index + 2].split(separator: " ", maxSplits: 1).map(String.init)
          guard parts.count == 2, let severity = Severity(rawValue: parts[0]) else { continue }
          document.cells[key(cells[0], cells[1], age.0)] = Expectation(
            severity: severity,
            code: parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")))
        }
      case "Code":
        let quoted =
          cells.count > 2 ? cells[2].split(separator: "\"", omittingEmptySubsequences: false) : []
        if quoted.count >= 2 {
          document.words[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] =
            String(quoted[1])
        }
      case "Severity":
        if let severity = Severity(rawValue: cells[0]), cells.count > 1,
          let code = Int32(cells[1])
        {
          document.exitCodes[severity] = code
        }
      default: break
      }
    }
    return document
  }

  /// One appliance's row: its state and its view of its partner, both entered `age` ago.
  static func observation(
    _ name: String, kind: ApplianceKind, mine: String, partner: String, age: Int, role: String
  ) -> ApplianceObservation {
    let since = now.addingTimeInterval(-Double(age))
    var peer = FailoverPeerStatus(
      name: "lan-failover", role: role,
      myState: FailoverTableCollector.normalizedState(mine), myStateTime: since,
      partnerState: FailoverTableCollector.normalizedState(partner), partnerStateTime: since,
      mclt: mclt)
    if kind == .edgeconnect { peer.appliance = name }
    return ApplianceObservation(
      name: kind == .edgeconnect ? "orchestrator-export" : name, kind: kind, site: "lab",
      endpoint: "file:///export.csv", service: nil, askedAt: now, durationMilliseconds: 1,
      failoverPeers: [peer])
  }

  struct Outcome {
    var expectation: Expectation
    var summary: String
    var page: String
    var exit: Int32
  }

  static func outcome(
    mine: String, partner: String, age: Int, bothSeen: Bool, kind: ApplianceKind,
    renderer: PageRenderer
  ) throws -> Outcome {
    var appliances = [
      observation("edge-east", kind: kind, mine: mine, partner: partner, age: age, role: "primary")
    ]
    if bothSeen {
      appliances.append(
        observation(
          "edge-west", kind: kind, mine: partner, partner: mine, age: age, role: "secondary"))
    }
    if kind == .edgeconnect, bothSeen {
      // One export, read by one inventory entry, holds both appliances' rows.
      appliances[0].failoverPeers =
        (appliances[0].failoverPeers ?? [])
        + (appliances[1].failoverPeers ?? [])
      appliances.removeLast()
    }
    let snapshot = Snapshot(
      generator: "judging-table", collectedAt: now, durationMilliseconds: 1,
      inventoryDigest: "table", appliances: appliances)
    let assessment = Assessor.assess(snapshot)
    let relationship = try #require(assessment.relationships.first)
    let page = String(decoding: try renderer.render(assessment, snapshot: snapshot), as: UTF8.self)
    return Outcome(
      expectation: Expectation(
        severity: relationship.severity, code: relationship.findings.first?.code ?? "healthy"),
      summary: relationship.summary, page: page, exit: ExitStatus(assessment).rawValue)
  }

  @Test("every pair of seed states, seen from both sides and from one, at three ages")
  func table() throws {
    let document = try Self.document()
    let renderer = try PageRenderer(assets: .embedded)
    var printed: [String] = []
    var checked = 0
    var examples: [String: String] = [:]
    for mine in Self.seedStates {
      for partner in Self.seedStates {
        var row: [String] = []
        for (column, age) in Self.ages {
          let expected = document.cells[Self.key(mine, partner, column)]
          var first: Expectation?
          for bothSeen in [true, false] {
            for kind in [ApplianceKind.dhcpd, .edgeconnect] {
              let outcome = try Self.outcome(
                mine: mine, partner: partner, age: age, bothSeen: bothSeen, kind: kind,
                renderer: renderer)
              let label =
                "\(mine) / \(partner), \(column), \(bothSeen ? "both seen" : "one seen"), \(kind.rawValue)"
              first = first ?? outcome.expectation
              if examples[outcome.expectation.code + (bothSeen ? "" : " (one seen)")] == nil {
                examples[outcome.expectation.code + (bothSeen ? "" : " (one seen)")] =
                  "\(label): \(outcome.summary)"
              }
              #expect(outcome.expectation == expected, "\(label): \(outcome.summary)")
              if let words = document.words[outcome.expectation.code] {
                #expect(outcome.summary.contains(words), "\(label): \(outcome.summary)")
                #expect(outcome.page.contains(words), "\(label): the page lacks \"\(words)\"")
              } else {
                Issue.record(
                  "\(label): docs/judging.md gives no words for \(outcome.expectation.code)")
              }
              #expect(
                outcome.exit == document.exitCodes[outcome.expectation.severity],
                "\(label): exit \(outcome.exit)")
              // The names in the findings are the appliances the evidence came from.
              #expect(outcome.summary.contains("orchestrator-export") == false, "\(label)")
              checked += 1
            }
          }
          row.append(first.map { "\($0.severity.rawValue) `\($0.code)`" } ?? "?")
        }
        printed.append("| \(mine) | \(partner) | \(row.joined(separator: " | ")) |")
      }
    }
    if ProcessInfo.processInfo.environment["JUDGING_TABLE"] == "1" {
      print(printed.joined(separator: "\n"))
      print(
        examples.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(
          separator: "\n"))
    }
    #expect(checked == Self.seedStates.count * Self.seedStates.count * 3 * 4)
  }
}
