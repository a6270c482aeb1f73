import Collectors
import Foundation
import Testing

/// The dhcpd leases-file reader over every leases file the lab captured from dhcpd 4.4.
@Suite("dhcpd leases files")
struct LeasesFileTests {
  static let captures = TestSupport.shared.appendingPathComponent("lab/dhcpd/captures")

  static var leaseFiles: [String] {
    TestSupport.files(in: captures) {
      $0.hasSuffix(".leases") || $0.hasSuffix(".leases.before-restart")
        || $0.hasSuffix(".failover-stanzas.txt")
    }
  }

  @Test("the captures are there when CI runs")
  func present() {
    if TestSupport.isCI { #expect(Self.leaseFiles.count >= 10) }
  }

  @Test("the last stanza of every captured file wins, with its time", arguments: leaseFiles)
  func lastStanzaWins(_ path: String) throws {
    let url = Self.captures.appendingPathComponent(path)
    let text = try String(contentsOf: url, encoding: .utf8)
    let result = try LeasesFileReader.read(path: url.path, chunkSize: 4096)
    #expect(!result.tornTail)
    let peer = try #require(result.peers.first)
    #expect(result.peers.count == 1)
    #expect(peer.name == "lab-fo")
    // An independent reading: the last "my state" and "partner state" lines of the file.
    let lines = text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    let lastMine = try #require(lines.last { $0.hasPrefix("my state ") })
    let lastPartner = try #require(lines.last { $0.hasPrefix("partner state ") })
    #expect(lastMine.hasPrefix("my state \(peer.myState ?? "?") at "))
    #expect(lastPartner.hasPrefix("partner state \(peer.partnerState ?? "?") at "))
    #expect(peer.myStateTime != nil)
  }

  @Test("states and times are read as dhcpd writes them")
  func knownCaptures() throws {
    let normal = try LeasesFileReader.read(
      path: Self.captures.appendingPathComponent("01-normal/primary.leases").path)
    #expect(normal.peers.first?.myState == "normal")
    // 1_795_303_627 is 2026/11/21 23:27:07 UTC, as the file says.
    #expect(normal.peers.first?.myStateTime == Date(timeIntervalSince1970: 1_795_303_627))
    let down = try LeasesFileReader.read(
      path: Self.captures.appendingPathComponent("03-partner-down/primary.leases").path)
    #expect(down.peers.first?.myState == "partner-down")
    let epoch = try LeasesFileReader.read(
      path: Self.captures.appendingPathComponent("09-localtime-rewrite/primary.leases").path)
    #expect(epoch.peers.first?.myStateTime == Date(timeIntervalSince1970: 1_795_303_737))
  }

  @Test("a stanza cut off while the file was being written is ignored and noted")
  func tornTail() {
    let text = """
      failover peer "fo" state {
        my state normal at 6 2026/11/21 23:27:07;
        partner state normal at 6 2026/11/21 23:27:07;
        mclt 3600;
      }
      failover peer "fo" state {
        my state partner-down at 6 2026/11/21 23:30:00;
      """
    let result = LeasesFileReader.parse(text)
    #expect(result.tornTail)
    #expect(result.peers.count == 1)
    #expect(result.peers.first?.myState == "normal")
    #expect(result.peers.first?.mclt == 3600)
  }

  @Test("never, garbage and unknown states do not break the reader")
  func oddInput() {
    let result = LeasesFileReader.parse(
      """
      failover peer "a" state {
        my state recover at never;
        partner state frobnicated at 9 2026/13/45 99:99:99;
      }
      lease 192.0.2.1 { garbage
      failover peer "b" state {
      \u{0}\u{1}
      }
      """)
    #expect(result.peers.map(\.name) == ["a", "b"])
    #expect(result.peers.first?.myState == "recover")
    #expect(result.peers.first?.myStateTime == nil)
    #expect(result.peers.first?.partnerState == "frobnicated")
    #expect(result.peers.first?.partnerStateTime == nil)
  }
}
