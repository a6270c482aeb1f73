import Foundation

/// What the operators know and have planned, from the acknowledgements file
/// (`--acknowledgements FILE`): problems they have acknowledged, until a date, and maintenance
/// windows. The snapshot keeps the file's content as the run read it, so a page rendered
/// again from the snapshot judges exactly as the run did.
public struct Acknowledgements: Sendable, Equatable, Codable {
  /// The file's name, for the page ("acknowledgements.yaml, line 3").
  public var file: String
  public var acknowledgements: [Acknowledgement]
  public var maintenance: [MaintenanceWindow]

  public init(
    file: String, acknowledgements: [Acknowledgement] = [], maintenance: [MaintenanceWindow] = []
  ) {
    self.file = file
    self.acknowledgements = acknowledgements
    self.maintenance = maintenance
  }
}

/// "We know": a problem of some relationships, acknowledged by someone, for a reason, until a
/// time, up to a severity.
public struct Acknowledgement: Sendable, Equatable, Codable {
  /// The line of the file the entry starts on.
  public var line: Int
  /// What it covers: relationships with one of these appliances, with this name, or at this
  /// site (at least one of the three is given).
  public var appliances: [String]
  public var relationship: String?
  public var site: String?
  public var by: String
  public var reason: String
  public var ticket: String?
  public var until: Date
  /// The worst severity it covers, as a `Severity` raw value; worse counts again.
  public var upTo: String

  public init(
    line: Int, appliances: [String] = [], relationship: String? = nil, site: String? = nil,
    by: String, reason: String, ticket: String? = nil, until: Date, upTo: String = "critical"
  ) {
    self.line = line
    self.appliances = appliances
    self.relationship = relationship
    self.site = site
    self.by = by
    self.reason = reason
    self.ticket = ticket
    self.until = until
    self.upTo = upTo
  }
}

/// Planned work: from `from` to `until`, the states maintenance brings to these appliances
/// (or to every appliance at these sites) are expected.
public struct MaintenanceWindow: Sendable, Equatable, Codable {
  public var line: Int
  public var appliances: [String]
  public var sites: [String]
  public var from: Date
  public var until: Date
  public var reason: String

  public init(
    line: Int, appliances: [String] = [], sites: [String] = [], from: Date, until: Date,
    reason: String
  ) {
    self.line = line
    self.appliances = appliances
    self.sites = sites
    self.from = from
    self.until = until
    self.reason = reason
  }
}
