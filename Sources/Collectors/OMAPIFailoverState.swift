import Foundation
import Snapshot

/// dhcpd's `failover-state` OMAPI object read as the failover table's columns. Apart from the
/// client so that it is a pure function of the message (tests and the OMAPI fuzz target use it).
extension OMAPIMessage {
  /// The failover-state object's values as the "DHCP Failover State" columns.
  func failoverPeerStatus(peer: String) -> FailoverPeerStatus {
    func state(_ name: String) -> String? {
      number(name).map { FailoverStateNumbers.name(of: Int($0)) ?? "unknown-state" }
    }
    // stos values are Unix seconds cut to 32 bits.
    func time(_ name: String) -> Date? {
      number(name).flatMap { $0 == 0 ? nil : Date(timeIntervalSince1970: Double($0)) }
    }
    let role = number("hierarchy").map { $0 == 0 ? "primary" : "secondary" }
    var status = FailoverPeerStatus(
      name: text("name") ?? peer, role: role, myState: state("local-state"),
      myStateTime: time("local-stos"), partnerState: state("partner-state"),
      partnerStateTime: time("partner-stos"), mclt: number("mclt").map(Int.init))
    status.maxResponseDelay = number("max-response-delay").map(Int.init)
    status.unackedUpdates = number("cur-unacked-updates").map(Int.init)
    return status
  }

  /// The answer's values, one per line, as evidence; addresses are left out (dhcpd sends a
  /// pointer's bytes there, not an address).
  func failoverStateEvidence(peer: String) -> RawExchange {
    let lines = objectValues.compactMap { name, value -> String? in
      guard !name.hasSuffix("-address") else { return nil }
      if name == "name" { return "name = \"\(String(decoding: value, as: UTF8.self))\"" }
      if (1...4).contains(value.count) {
        return "\(name) = \(value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })"
      }
      return "\(name) = " + value.map { String(format: "%02x", $0) }.joined(separator: ":")
    }
    return RawExchange(
      command: "omapi open failover-state \"\(peer)\"", httpStatus: nil,
      body: lines.joined(separator: "\n"), truncated: false)
  }
}
