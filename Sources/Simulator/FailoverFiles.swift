import Foundation
import Snapshot

/// Failover-protocol appliances for the demo: an ISC dhcpd pair, as their leases files record
/// the failover state, and an EdgeConnect group, as its "DHCP Failover State" table is exported.
public enum FailoverFiles {
  /// An inventory entry for a file-based appliance.
  public struct Appliance: Sendable {
    public var name: String
    public var kind: String
    public var site: String
    /// The `leases:` or `export:` file.
    public var path: String
    public var key: String
  }

  /// Writes the files into `folder`, with state times relative to `now`.
  public static func write(into folder: URL, now: Date) throws -> [Appliance] {
    let recovered = now.addingTimeInterval(-900)
    let waitStarted = now.addingTimeInterval(-1200)
    // The primary took over while its peer was down; the peer is back and waits out the MCLT.
    let primary = leases(
      peer: "dc8-failover",
      stanzas: [
        (
          "normal", recovered.addingTimeInterval(-86_400), "normal",
          recovered.addingTimeInterval(-86_400), 3600
        ),
        (
          "communications-interrupted", recovered.addingTimeInterval(-4000), "unknown-state",
          recovered.addingTimeInterval(-4000), 3600
        ),
        (
          "partner-down", recovered.addingTimeInterval(-3000), "unknown-state",
          recovered.addingTimeInterval(-4000), 3600
        ),
        ("partner-down", recovered.addingTimeInterval(-3000), "recover-wait", waitStarted, 3600),
      ])
    let secondary = leases(
      peer: "dc8-failover",
      stanzas: [
        (
          "recover", waitStarted.addingTimeInterval(-30), "partner-down",
          recovered.addingTimeInterval(-3000), 3600
        ),
        ("recover-wait", waitStarted, "partner-down", recovered.addingTimeInterval(-3000), 3600),
      ])
    let export = """
      Appliance,Failover Group Name,My State,My State Time,Partner State,Partner State Time,MCLT
      dc9-edge-1,LAN0,Normal,\(Timestamp.iso(recovered)),Normal,\(Timestamp.iso(recovered)),3600
      dc9-edge-2,LAN0,Normal,\(Timestamp.iso(recovered)),Normal,\(Timestamp.iso(recovered)),3600

      """
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let files = [
      ("dc8-dhcpd-a.leases", primary), ("dc8-dhcpd-b.leases", secondary),
      ("dc9-edgeconnect.csv", export),
    ]
    for (name, text) in files {
      try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
    return [
      Appliance(
        name: "dc8-dhcpd-a", kind: "dhcpd", site: "DC8",
        path: folder.appendingPathComponent("dc8-dhcpd-a.leases").path, key: "leases"),
      Appliance(
        name: "dc8-dhcpd-b", kind: "dhcpd", site: "DC8",
        path: folder.appendingPathComponent("dc8-dhcpd-b.leases").path, key: "leases"),
      Appliance(
        name: "dc9-edge-1", kind: "edgeconnect", site: "DC9",
        path: folder.appendingPathComponent("dc9-edgeconnect.csv").path, key: "export"),
      Appliance(
        name: "dc9-edge-2", kind: "edgeconnect", site: "DC9",
        path: folder.appendingPathComponent("dc9-edgeconnect.csv").path, key: "export"),
    ]
  }

  /// A leases file as dhcpd 4.4 writes it: a header, then a stanza for every state change.
  static func leases(peer: String, stanzas: [(String, Date, String, Date, Int)]) -> String {
    var text = """
      # The format of this file is documented in the dhcpd.leases(5) manual page.
      # This lease file was written by the failover-report simulator

      # authoring-byte-order entry is generated, DO NOT DELETE
      authoring-byte-order little-endian;


      """
    for (mine, mineAt, partner, partnerAt, mclt) in stanzas {
      text += """
        failover peer "\(peer)" state {
          my state \(mine) at \(dhcpdTime(mineAt));
          partner state \(partner) at \(dhcpdTime(partnerAt));
          mclt \(mclt);
        }


        """
    }
    return text
  }

  /// `W YYYY/MM/DD HH:MM:SS`, UTC, as dhcpd writes times.
  static func dhcpdTime(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy/MM/dd HH:mm:ss"
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let weekday = calendar.component(.weekday, from: date) - 1
    return "\(weekday) " + formatter.string(from: date)
  }

}
