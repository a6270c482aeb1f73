import Foundation

/// Which HA server(s) an inventory appliance is, as known from something other than its own
/// answer in this run: the inventory's `ha-servers`, or what it said of itself in an earlier
/// run. A server that cannot be asked names nobody, and since Kea 2.4 its partner's
/// configuration names it by its HA listener's URL, not by the URL the inventory asks; this is
/// how such a server is still shown as the appliance it is.
public struct ApplianceIdentity: Codable, Sendable, Equatable {
  public enum Source: String, Codable, Sendable, CaseIterable {
    /// The inventory entry's `ha-servers`.
    case inventory
    /// The appliance's own answer in an earlier run (the previous snapshot in the output
    /// folder, carried forward from run to run while it cannot be asked).
    case earlierRun = "earlier-run"
  }

  /// The HA server names (`this-server-name`): one, or several for a hub in hub-and-spoke.
  public var serverNames: [String]
  public var source: Source
  /// For an earlier run: when the appliance last said so itself.
  public var seenAt: Date?
  /// For an earlier run: the peer URLs of the relationships it was in, which tell two pairs
  /// with the same server names apart.
  public var peerURLs: [String]?

  public init(
    serverNames: [String], source: Source, seenAt: Date? = nil, peerURLs: [String]? = nil
  ) {
    self.serverNames = serverNames
    self.source = source
    self.seenAt = seenAt
    self.peerURLs = peerURLs
  }
}
