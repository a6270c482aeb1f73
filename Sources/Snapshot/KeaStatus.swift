import Foundation

/// What one Kea daemon said about High Availability: its `status-get`, the HA part of its
/// `config-get`, and its `ha-heartbeat`. A field Kea did not send stays nil, never zero.
public struct KeaStatus: Codable, Sendable, Equatable {
  /// The `result` of `status-get` (0 when it succeeded).
  public var result: Int
  /// The `text` Kea gave with a non-zero result.
  public var text: String?
  public var pid: Int?
  public var uptime: Int?
  /// One entry per relationship the server belongs to (several in hub-and-spoke).
  public var relationships: [KeaRelationshipStatus]
  /// The HA configuration, one entry per relationship; nil when `config-get` failed.
  public var configuration: [KeaHAConfiguration]?
  /// The answer to `ha-heartbeat`; nil when it was not asked or failed.
  public var heartbeat: KeaHeartbeat?

  public init(
    result: Int, text: String? = nil, pid: Int? = nil, uptime: Int? = nil,
    relationships: [KeaRelationshipStatus] = [], configuration: [KeaHAConfiguration]? = nil,
    heartbeat: KeaHeartbeat? = nil
  ) {
    self.result = result
    self.text = text
    self.pid = pid
    self.uptime = uptime
    self.relationships = relationships
    self.configuration = configuration
    self.heartbeat = heartbeat
  }
}

/// One element of `high-availability` in `status-get`.
public struct KeaRelationshipStatus: Codable, Sendable, Equatable {
  /// `load-balancing`, `hot-standby` or `passive-backup`.
  public var mode: String?
  public var local: KeaLocalServer?
  /// Absent on backups and in passive-backup mode.
  public var remote: KeaRemoteServer?

  public init(mode: String?, local: KeaLocalServer?, remote: KeaRemoteServer?) {
    self.mode = mode
    self.local = local
    self.remote = remote
  }
}

/// `ha-servers.local`: what the server says of itself.
public struct KeaLocalServer: Codable, Sendable, Equatable {
  public var role: String?
  public var scopes: [String]?
  public var state: String?
  /// Newer Kea only.
  public var serverName: String?
  /// Newer Kea only: the server's clock, as it sent it.
  public var systemTime: String?

  public init(
    role: String?, scopes: [String]?, state: String?, serverName: String? = nil,
    systemTime: String? = nil
  ) {
    self.role = role
    self.scopes = scopes
    self.state = state
    self.serverName = serverName
    self.systemTime = systemTime
  }
}

/// `ha-servers.remote`: what the server last saw of its partner.
public struct KeaRemoteServer: Codable, Sendable, Equatable {
  /// Seconds since the last successful contact.
  public var age: Int?
  public var inTouch: Bool?
  public var lastScopes: [String]?
  /// The partner's state at the last heartbeat; "" when never heard, "unavailable" once lost.
  public var lastState: String?
  public var role: String?
  public var serverName: String?
  public var communicationInterrupted: Bool?
  public var connectingClients: Int?
  public var unackedClients: Int?
  public var unackedClientsLeft: Int?
  public var analyzedPackets: Int?
  /// Newer Kea only: seconds between the two clocks.
  public var clockSkew: Int?
  public var systemTime: String?

  public init(
    age: Int? = nil, inTouch: Bool? = nil, lastScopes: [String]? = nil, lastState: String? = nil,
    role: String? = nil, serverName: String? = nil, communicationInterrupted: Bool? = nil,
    connectingClients: Int? = nil, unackedClients: Int? = nil, unackedClientsLeft: Int? = nil,
    analyzedPackets: Int? = nil, clockSkew: Int? = nil, systemTime: String? = nil
  ) {
    self.age = age
    self.inTouch = inTouch
    self.lastScopes = lastScopes
    self.lastState = lastState
    self.role = role
    self.serverName = serverName
    self.communicationInterrupted = communicationInterrupted
    self.connectingClients = connectingClients
    self.unackedClients = unackedClients
    self.unackedClientsLeft = unackedClientsLeft
    self.analyzedPackets = analyzedPackets
    self.clockSkew = clockSkew
    self.systemTime = systemTime
  }
}

/// The HA part of `config-get` for one relationship.
public struct KeaHAConfiguration: Codable, Sendable, Equatable {
  public var thisServerName: String?
  public var mode: String?
  /// Milliseconds.
  public var heartbeatDelay: Int?
  public var maxResponseDelay: Int?
  public var maxAckDelay: Int?
  public var maxUnackedClients: Int?
  public var delayedUpdatesLimit: Int?
  public var peers: [KeaPeer]

  public init(
    thisServerName: String?, mode: String?, heartbeatDelay: Int? = nil,
    maxResponseDelay: Int? = nil, maxAckDelay: Int? = nil, maxUnackedClients: Int? = nil,
    delayedUpdatesLimit: Int? = nil, peers: [KeaPeer]
  ) {
    self.thisServerName = thisServerName
    self.mode = mode
    self.heartbeatDelay = heartbeatDelay
    self.maxResponseDelay = maxResponseDelay
    self.maxAckDelay = maxAckDelay
    self.maxUnackedClients = maxUnackedClients
    self.delayedUpdatesLimit = delayedUpdatesLimit
    self.peers = peers
  }
}

/// One entry of `peers` in the HA configuration (its password is never kept).
public struct KeaPeer: Codable, Sendable, Equatable {
  public var name: String
  public var role: String?
  public var url: String?
  public var autoFailover: Bool?

  public init(name: String, role: String?, url: String?, autoFailover: Bool?) {
    self.name = name
    self.role = role
    self.url = url
    self.autoFailover = autoFailover
  }
}

/// The answer to `ha-heartbeat`.
public struct KeaHeartbeat: Codable, Sendable, Equatable {
  public var state: String?
  public var scopes: [String]?
  /// The server's clock, RFC 1123, as Kea sends it.
  public var dateTime: String?
  public var unsentUpdateCount: Int?

  public init(state: String?, scopes: [String]?, dateTime: String?, unsentUpdateCount: Int?) {
    self.state = state
    self.scopes = scopes
    self.dateTime = dateTime
    self.unsentUpdateCount = unsentUpdateCount
  }
}
