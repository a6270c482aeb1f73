import Foundation

/// One failover peer of the DHCP failover protocol (ISC dhcpd, EdgeConnect): the columns of
/// the "DHCP Failover State" table.
public struct FailoverPeerStatus: Codable, Sendable, Equatable {
  /// The failover peer or group name.
  public var name: String
  /// EdgeConnect: the appliance the row is about (the table's Appliance column), when the
  /// export names one; it may differ from the inventory entry that read the export.
  public var appliance: String? = nil
  /// `primary` or `secondary`, when known.
  public var role: String?
  /// The state name as the source wrote it (`normal`, `communications-interrupted`, ...).
  public var myState: String?
  public var myStateTime: Date?
  public var partnerState: String?
  public var partnerStateTime: Date?
  /// Maximum client lead time, in seconds.
  public var mclt: Int?
  /// OMAPI only: seconds without a message before the partner counts as gone.
  public var maxResponseDelay: Int? = nil
  /// OMAPI only: binding updates sent and not yet acknowledged by the partner.
  public var unackedUpdates: Int? = nil

  public init(
    name: String, role: String? = nil, myState: String?, myStateTime: Date?,
    partnerState: String?, partnerStateTime: Date?, mclt: Int?
  ) {
    self.name = name
    self.role = role
    self.myState = myState
    self.myStateTime = myStateTime
    self.partnerState = partnerState
    self.partnerStateTime = partnerStateTime
    self.mclt = mclt
  }
}
