import Foundation
import Testing

/// What the page says, read as text: each sentence once per card, one date format, the
/// survivor and the dead server told apart, what to do where the problem is, a field guide of
/// the fields shown, and counts in good English.
@Suite("The page's words")
struct PageWordsTests {
  /// The demo's page (or one scenario's), and its cards' text by id.
  static func page(_ scenario: String? = nil) throws -> String {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try TestSupport.run(
      ["demo", "--output", folder.path] + (scenario.map { ["--scenario", $0] } ?? []))
    return try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
  }

  /// The visible text of the card `id`: markup, the labels' help and the stacked rows' labels
  /// removed.
  static func card(_ id: String, in page: String) -> String {
    guard let start = page.range(of: "id=\"\(id)\""),
      let end = page[start.upperBound...].range(of: "</article>")
    else { return "" }
    return String(page[start.upperBound..<end.lowerBound])
      .replacing(/<span class="tip">[^<]*<\/span>/, with: "")
      .replacing(/<span class="cell-label">[^<]*<\/span>/, with: "")
      .replacing(/<[^>]+>/, with: " ")
  }

  @Test("each sentence once per card; the survivor serving, the dead server down")
  func onceAndWho() throws {
    let page = try Self.page()
    let dhcpd = Self.card("r-dhcpd-dc8-failover", in: page)
    #expect(
      dhcpd.components(separatedBy: "it serves every client alone").count - 1 == 1, "\(dhcpd)")
    #expect(dhcpd.components(separatedBy: "waits one MCLT").count - 1 == 1)
    #expect(dhcpd.contains("As above."))
    let kea = Self.card("r-kea-dhcp4-dc4-kea-a-dc4-kea-b", in: page)
    #expect(kea.components(separatedBy: "Connection refused").count - 1 == 1, "\(kea)")
    let takeover = Self.card("r-kea-dhcp4-dc3-kea-a-dc3-kea-b", in: page)
    #expect(takeover.contains(/dc3-kea-a\s+serving all clients alone/), "\(takeover)")
    #expect(takeover.contains(/dc3-kea-b\s+down\s/))
    #expect(takeover.contains("What to do (partner-down):"))
  }

  @Test("one date format in the page's text; the ISO form only in datetime attributes and data")
  func oneDateFormat() throws {
    let page = try Self.page()
    let body =
      page.components(separatedBy: "<main>").last?.components(separatedBy: "<script")
      .first ?? ""
    let text = body.replacing(/<[^>]+>/, with: " ")
    #expect(text.firstMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) == nil)
    #expect(text.firstMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/) != nil)
  }

  @Test("the field guide explains the fields the page shows, and counts are good English")
  func guideAndWords() throws {
    let kea = try Self.page("load-balancing")
    #expect(!kea.contains("id=\"field-myState\""), "no dhcpd field on a Kea-only page")
    #expect(kea.contains("id=\"field-heartbeatStatus\""))
    #expect(kea.contains("The one relationship is healthy"))
    #expect(kea.contains("2 appliances asked"))
    let all = try Self.page()
    #expect(all.contains("id=\"field-myState\"") && all.contains("id=\"field-heartbeatStatus\""))
  }
}
