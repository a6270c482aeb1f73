/// The kind of appliance an inventory entry describes, which decides how it is asked.
public enum ApplianceKind: String, Codable, Sendable, CaseIterable {
  /// ISC Kea with the HA hook, asked over its JSON control API.
  case kea
  /// ISC dhcpd with a failover peer, read from its leases file or OMAPI.
  case dhcpd
  /// HPE Aruba EdgeConnect DHCP failover.
  case edgeconnect
}
