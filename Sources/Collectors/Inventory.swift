import Foundation
import Snapshot
import Yams

/// The appliances to ask, read from a YAML file; the shape is in the README.
public struct Inventory: Sendable, Equatable {
  /// Where the inventory was read from, for messages.
  public var file: String
  /// In the order the file lists them; names are unique.
  public var appliances: [ApplianceEntry]
  public var defaults: Defaults
  /// How long states may last before the page escalates them.
  public var judging: JudgingThresholds

  /// Settings that apply to every appliance unless it says otherwise.
  public struct Defaults: Sendable, Equatable {
    /// Seconds one request may take.
    public var timeout: Double = 5
    /// How many appliances are asked at once.
    public var concurrency: Int = 64
    /// Largest answer read from an appliance, in bytes.
    public var maximumResponseBytes: Int = 4 * 1024 * 1024

    public init() {}
  }

  public init(
    file: String, appliances: [ApplianceEntry], defaults: Defaults = Defaults(),
    judging: JudgingThresholds = JudgingThresholds()
  ) {
    self.file = file
    self.appliances = appliances
    self.defaults = defaults
    self.judging = judging
  }
}

/// One appliance in the inventory.
public struct ApplianceEntry: Sendable, Equatable {
  public var name: String
  public var kind: ApplianceKind
  public var site: String?
  /// Kea: the Control Agent's or the daemon's HTTP(S) URL.
  public var url: URL?
  /// Kea: the service behind a Control Agent (`dhcp4`, `dhcp6`); nil for a daemon's own socket.
  public var service: String?
  public var username: String?
  public var password: SecretReference?
  /// A CA bundle for HTTPS.
  public var caFile: String?
  public var certFile: String?
  /// Kea: the TLS client key. dhcpd: the OMAPI key, in dhcpd's `key NAME { … };` syntax.
  public var keyFile: String?
  /// Seconds; overrides the inventory default.
  public var timeout: Double?
  /// dhcpd: the leases file.
  public var leases: String?
  /// dhcpd: OMAPI's `HOST:PORT`, for the live state.
  public var omapi: String?
  /// dhcpd: the failover peer's name (OMAPI opens the state by it; a leases file may hold
  /// several peers, and then only this one is shown).
  public var peer: String?
  /// EdgeConnect: an exported "DHCP Failover State" table (CSV).
  public var export: String?
  /// EdgeConnect: an API key for `url` and `deployment`, sent in `apiKeyHeader`.
  public var apiKey: SecretReference?
  /// EdgeConnect: the header the API key goes in (default `X-Auth-Token`).
  public var apiKeyHeader: String?
  /// EdgeConnect: the appliance's `GET /deployment` URL, for role, MCLT and timers.
  public var deployment: URL?
  /// Kea: the HA server name(s) this appliance is (`this-server-name`; several for a hub), so
  /// that it is known as itself even when it cannot be asked.
  public var haServers: [String]?

  public init(name: String, kind: ApplianceKind) {
    self.name = name
    self.kind = kind
  }
}

/// Where a secret lives; the secret itself is never in the inventory.
public enum SecretReference: Sendable, Equatable {
  case environment(String)
  case file(String)
}
