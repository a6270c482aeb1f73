import Foundation
import Snapshot

/// The judged picture of one snapshot: every relationship with its servers, derived fields,
/// severities and findings, worst first.
public struct Assessment: Sendable, Equatable {
  /// "Now" for every age: the snapshot's collection time.
  public var assessedAt: Date
  public var generator: String
  public var inventoryDigest: String
  public var collectionMilliseconds: Int
  public var severity: Severity
  /// Sorted by severity (worst first), then by name.
  public var relationships: [RelationshipAssessment]
  /// How many appliances were asked, and how many gave no usable answer.
  public var applianceCount: Int
  public var failedApplianceCount: Int
  /// Follow-up questions left unanswered by appliances that did answer, in inventory order.
  public var unansweredQuestions: [UnansweredQuestion] = []
  /// Set when no appliance answered at all: the run could not do its work.
  public var nothingReachable: Bool
  /// When the run before this one took its snapshot; nil without an archive.
  public var previousRunAt: Date? = nil
  /// Relationships whose severity or states differ from the previous run, worst first.
  public var changes: [RelationshipChange] = []
  /// Whether an acknowledgement or maintenance window bears differently than in the previous
  /// run (one began, ended, expired, was exceeded).
  public var handlingChanged = false

  /// Whether the verdict, a relationship's severity or an acknowledgement changed since the
  /// previous run; nil without one (no archive, or the archive's first run).
  public var changedSincePreviousRun: Bool? {
    guard previousRunAt != nil else { return nil }
    return handlingChanged
      || changes.contains { $0.before?.severity != $0.after?.severity }
  }
  /// What the archive keeps of this run for the history of later runs.
  public var runSummary: RunSummary
  /// A merged page's regions, in command-line order; empty for one run's page.
  public var regions: [RegionAssessment] = []
  /// Kea appliances of the inventory that could be tied to no relationship: they cannot be
  /// judged, so each makes the verdict at least unknown.
  public var unmatchedAppliances: [UnmatchedAppliance] = []
  /// One sentence per entry of the acknowledgements file that matched no relationship.
  public var unusedAcknowledgements: [String] = []
  /// Whether every name and address is a pseudonym: a copy made to share.
  public var pseudonymized = false

  /// How many relationships the verdict counts (all but the acknowledged and the planned), the worst severity among them and how many
  /// have it. By position, as `count(_:)` is: a filtered copy of 25,000 relationships costs
  /// more than the headline and the status line together.
  public var countedTally: (total: Int, worst: Severity, worstCount: Int) {
    var total = 0
    var worst = Severity.ok
    var worstCount = 0
    for index in relationships.indices where !relationships[index].excused {
      total += 1
      let severity = relationships[index].severity
      if severity > worst {
        (worst, worstCount) = (severity, 1)
      } else if severity == worst {
        worstCount += 1
      }
    }
    return (total, worst, worstCount)
  }
  /// The relationships left out of the verdict.
  public var excused: [RelationshipAssessment] { relationships.filter(\.excused) }

  /// The regions whose data is not current (stale or unusable).
  public var regionsNotCurrent: [RegionAssessment] { regions.filter { $0.status != .fresh } }

  /// The verdict in words: "All 9 relationships are healthy", "4 of 10 relationships critical",
  /// and on a merged page "; 1 of 3 regions not current".
  public var headline: String {
    let tally = countedTally
    let excused = relationships.count - tally.total
    var text: String
    if tally.total == 0 && excused > 0 {
      text = "Every relationship is acknowledged or planned"
    } else if tally.worst == .ok {
      text =
        tally.total == 1
        ? "The one relationship is healthy" : "All \(tally.total) relationships are healthy"
    } else {
      text =
        "\(tally.worstCount) of \(Plural.count(tally.total, "relationship")) \(tally.worst.rawValue)"
    }
    if excused > 0, tally.total > 0 { text += "; \(excused) acknowledged or planned" }
    let late = regionsNotCurrent.count
    if late > 0 { text += "; \(late) of \(regions.count) regions not current" }
    if !unmatchedAppliances.isEmpty {
      text += "; \(Plural.count(unmatchedAppliances.count, "appliance")) not tied to a relationship"
    }
    return text
  }

  /// How many relationships have each severity.
  public func count(_ severity: Severity) -> Int {
    // By position: iterating hands each relationship over as a copy, every field of it
    // retained and released, to read one enum (33 ms for the page's counts at 50,000 servers).
    relationships.indices.count { relationships[$0].severity == severity }
  }
}

/// A Kea appliance of the inventory that nothing ties to a relationship: it could not say
/// which HA server it is, and neither its inventory entry nor an earlier run nor its address
/// does.
public struct UnmatchedAppliance: Sendable, Equatable {
  public var name: String
  public var site: String?
  /// On a merged page: the region whose run asked it.
  public var region: String? = nil
  public var endpoint: String
  /// Why it is unmatched and what to change, in one sentence.
  public var reason: String
}

/// Servers that fail over for each other: a Kea HA relationship (a pair plus backups) or a
/// failover-protocol peer group (dhcpd, EdgeConnect).
public struct RelationshipAssessment: Sendable, Equatable, Identifiable {
  /// Stable and unique on the page, usable as an HTML id.
  public var id: String
  /// Kea: the inventory appliances' names (the HA name of a server no appliance answers for).
  public var name: String
  /// Kea: the HA server names, when they differ from `name`.
  public var haName: String? = nil
  public var kind: ApplianceKind
  /// Kea: `load-balancing`, `hot-standby`, `passive-backup`.
  public var mode: String?
  /// Kea: `dhcp4` or `dhcp6`.
  public var service: String?
  public var site: String?
  /// On a merged page: the region whose run saw it.
  public var region: String? = nil
  public var severity: Severity
  /// One sentence: what is going on.
  public var summary: String
  public var findings: [Finding]
  /// Kea: each server of the relationship, actives first, in configuration order.
  public var servers: [ServerAssessment]
  /// dhcpd and EdgeConnect: the "DHCP Failover State" rows.
  public var failoverRows: [FailoverRow]
  /// What earlier runs saw of this relationship, oldest first (empty without an archive).
  public var history: [RelationshipRecord] = []
  /// An acknowledgement or maintenance window that bears on it; nil when none does.
  public var handling: Handling? = nil

  /// Whether it is left out of the verdict (acknowledged, or in planned maintenance).
  public var excused: Bool { handling?.excused == true }

  /// Why it is as bad as it is, as one code from one vocabulary (the README's "Status line"
  /// table): the code of its worst finding; else the state of the server that makes it that
  /// bad (a Kea HA state, a dhcpd or EdgeConnect failover state); else `unreachable` for a
  /// server that could not be asked and that nothing saw, or `state-unknown`. Never a
  /// severity, never two states.
  public var reasonCode: String {
    if let finding = findings.first(where: { $0.severity == severity }) { return finding.code }
    if let server = servers.first(where: { $0.severity == severity }) {
      if let state = server.state, !state.isEmpty, state != "unavailable" { return state }
      return server.controlStatus == .offline || server.reason != nil
        ? "unreachable" : "state-unknown"
    }
    if let row = failoverRows.first(where: { $0.severity == severity }) {
      // EdgeConnect writes "Partner-Down"; the code uses the protocol's spelling.
      if let state = row.myState, !state.isEmpty {
        return FailoverProtocolState.named(state)?.name ?? state
      }
      return row.reason != nil ? "unreachable" : "state-unknown"
    }
    return "state-unknown"
  }
}

/// Something found by comparing the servers of a relationship.
public struct Finding: Sendable, Equatable {
  public var severity: Severity
  /// A short stable code (`split-brain`, `clock-skew`, ...), for metrics and filtering.
  public var code: String
  public var message: String

  public init(_ severity: Severity, _ code: String, _ message: String) {
    self.severity = severity
    self.code = code
    self.message = message
  }
}

/// Whether the server answers on its control channel.
public enum ControlStatus: String, Sendable, Equatable, Codable {
  case online, offline, unknown
}

/// Whether the server answers its partner's heartbeats, as the partner reports it.
public enum HeartbeatStatus: String, Sendable, Equatable, Codable {
  case ok, failed, unknown
}

/// How far the partner has got in declaring this server down.
public struct FailoverProgress: Sendable, Equatable {
  /// 0–100, nil when there is no bar to show (immediate failover).
  public var percent: Int?
  public var unacked: Int?
  /// The number of unacked clients at which the partner takes over.
  public var threshold: Int?
  /// Text shown with or instead of the bar.
  public var label: String
}

/// One Kea server within a relationship, from its own answer and its partner's.
public struct ServerAssessment: Sendable, Equatable {
  /// The name in the HA configuration.
  public var name: String
  /// The inventory appliance that answered for it; nil when it is not in the inventory.
  public var appliance: String?
  /// How the appliance is known to be this server, when not by its own answer (the
  /// inventory's ha-servers, an earlier run, its URL or host).
  public var identifiedBy: String? = nil
  public var role: String?
  public var endpoint: String?
  public var severity: Severity
  /// The state the server reports; when it cannot be asked, the one its partner last saw.
  public var state: String?
  /// Where `state` comes from: `own` or `partner`.
  public var stateSource: String?
  public var statusTime: Date?
  public var statusAgeSeconds: Int?
  public var controlStatus: ControlStatus
  public var heartbeatStatus: HeartbeatStatus
  public var scopes: [String]?
  /// Why the scope list looks the way it does, when that needs saying.
  public var scopesNote: String?
  /// The last time its partner took over from it; nil when unknown.
  public var lastFailoverAt: Date?
  public var unackedClients: Int?
  public var connectingClients: Int?
  public var analyzedPackets: Int?
  public var failoverProgress: FailoverProgress?
  /// Kea reports no state times: the first of the unbroken streak of earlier runs that saw it
  /// in this state, so it has been in it at least since then; nil without one, and for
  /// healthy states.
  public var stateSeenSince: Date? = nil
  /// The seconds from `stateSeenSince` to the snapshot: how long it has at least been in it.
  public var stateAtLeastSeconds: Int? = nil
  /// How long it and its partner have been out of touch, in seconds, from whichever of them
  /// counts communication as interrupted; nil when they are in touch or it is not known.
  public var interruptedSeconds: Int? = nil
  /// What its partner last saw of it: state and seconds ago.
  public var partnerViewState: String?
  public var partnerViewAgeSeconds: Int?
  /// Set when its own view and its partner's differ in a way worth showing.
  public var disagreement: String?
  /// Why it could not be asked.
  public var reason: String?
  /// It answered, but not every follow-up question: which, why, and what is unknown as a
  /// result (`ha-heartbeat not answered (…): clock skew not checked`).
  public var unanswered: String? = nil
  public var summary: String
}

/// A row of the "DHCP Failover State" table.
public struct FailoverRow: Sendable, Equatable {
  public var appliance: String
  public var groupName: String
  public var role: String?
  public var myState: String?
  public var myStateTime: Date?
  public var partnerState: String?
  public var partnerStateTime: Date?
  public var mcltSeconds: Int?
  /// In recover-wait: when the wait (state time + MCLT) ends.
  public var recoverWaitEndsAt: Date?
  /// Set when that end is past by more than the grace: the server is stuck, not waiting.
  public var recoverWaitOverdue: Bool = false
  /// How long each state had lasted at the snapshot's time, in seconds; nil when unknown.
  public var myStateAgeSeconds: Int? = nil
  public var partnerStateAgeSeconds: Int? = nil
  public var severity: Severity
  public var summary: String
  public var reason: String?
}
