import Foundation
import Snapshot

/// Checks that need both servers of a relationship: split-brain, scopes served twice or not
/// at all, clock skew, timers, and configurations that disagree.
struct KeaPeerChecks {
  let now: Date

  func findings(
    servers: [ServerAssessment], members: [KeaRelationshipBuilder.Member], mode: String?
  ) -> [Finding] {
    var findings: [Finding] = []
    let answered = servers.filter { $0.stateSource == "own" && $0.reason == nil }
    let actives = servers.filter { $0.role != "backup" }
    if answered.count(where: { $0.state == "partner-down" }) >= 2 {
      findings.append(
        Finding(
          .critical, "split-brain",
          "Split-brain: both servers are in partner-down, each serving every client and allocating leases on its own."
        ))
    }
    // Scopes: each active server's scope must be served by exactly one reachable server.
    let serving = answered.filter { $0.role != "backup" }
    var servedBy: [String: [String]] = [:]
    for server in serving {
      for scope in server.scopes ?? [] { servedBy[scope, default: []].append(server.name) }
    }
    for (scope, names) in servedBy.sorted(by: { $0.key < $1.key }) where names.count > 1 {
      findings.append(
        Finding(
          .critical, "scope-overlap",
          "Scope \(scope) is served by \(names.joined(separator: " and ")) at once."))
    }
    // A server that did not answer counts by its partner's current view of it (the scopes it
    // last heard). One of which nothing current is known is judged by its own severity: its
    // scope is unserved only when the evidence says so.
    for server in servers where server.stateSource == "partner" && server.role != "backup" {
      for scope in server.scopes ?? [] where servedBy[scope] == nil {
        servedBy[scope] = [server.name]
      }
    }
    let expected = mode == "hot-standby" ? actives.filter { $0.role == "primary" } : actives
    if mode != "passive-backup", !answered.isEmpty {
      // Known: it answered, or its partner's current view shows it.
      for server in expected
      where servedBy[server.name] == nil
        && (server.stateSource == "partner"
          || (server.stateSource == "own" && server.reason == nil))
      {
        // Also while a partner still sees the pair starting: a server that has just entered
        // load-balancing takes up its scopes a moment later, and a status-get answered on
        // another thread in between shows the state without them (seen on real Kea 3.0.4).
        // A partner's view lags by up to one heartbeat, so a server seen only through it can
        // still be in ready while it already serves (seen on real Kea 2.6.3).
        let starting = ["waiting", "syncing", "ready", "terminated"]
        let inTransition =
          answered.contains {
            starting.contains($0.state ?? "") || starting.contains($0.partnerViewState ?? "")
          }
          || servers.contains { $0.stateSource == "partner" && starting.contains($0.state ?? "") }
        if !inTransition {
          findings.append(
            Finding(
              .critical, "scope-gap", "No server answers the clients of scope \(server.name)."))
        }
      }
    }
    if let skew = clockSkew(members) {
      if skew >= 60 {
        findings.append(
          Finding(
            .critical, "clock-skew",
            "The servers' clocks differ by \(skew) s; Kea terminates HA at 60 s. Fix NTP on both."))
      } else if skew >= 30 {
        findings.append(
          Finding(
            .warning, "clock-skew",
            "The servers' clocks differ by \(skew) s; Kea warns at 30 s and terminates HA at 60 s.")
        )
      }
    }
    let configurations = members.compactMap(\.configuration)
    for configuration in configurations {
      if let heartbeat = configuration.heartbeatDelay,
        let response = configuration.maxResponseDelay,
        heartbeat * 2 > response
      {
        findings.append(
          Finding(
            .warning, "timers",
            "\(configuration.thisServerName ?? "A server"): heartbeat-delay (\(heartbeat) ms) should be well below max-response-delay (\(response) ms), or one lost heartbeat counts as a failure."
          ))
        break
      }
    }
    let modes = configurations.compactMap(\.mode)
    if let first = modes.first, modes.contains(where: { $0 != first }) {
      findings.append(
        Finding(.warning, "config-mismatch", "The servers are configured with different HA modes."))
    }
    // Compared as sorted name and role pairs, without building text: this runs for every
    // relationship of a large fleet.
    let roleSets = configurations.map { configuration in
      configuration.peers.map { ($0.name, $0.role ?? "") }.sorted { $0 < $1 }
    }
    if let first = roleSets.first, roleSets.contains(where: { !$0.elementsEqual(first, by: ==) }) {
      findings.append(
        Finding(
          .warning, "config-mismatch", "The servers' configurations give different roles or peers.")
      )
    }
    for member in members where member.answered {
      if member.configuration == nil {
        let why =
          member.observation.unanswered?.first { $0.command == "config-get" }
          .map { " (\($0.failure.message))" } ?? ""
        findings.append(
          Finding(
            .warning, "config-unknown",
            "\(member.serverName) answered status-get but not config-get usably\(why): its peers and timers are unknown, and it is placed here by its partner's configuration."
          ))
      }
      if let values = implausibleValues(member.status?.remote) {
        findings.append(
          Finding(
            .warning, "implausible",
            "\(member.serverName) reports values no Kea server can have (\(values)); its answer is shown but not trusted."
          ))
      }
    }
    for server in actives where server.appliance == nil {
      // Its partner's current view counts fully; without one, nothing watches it.
      findings.append(
        Finding(
          server.stateSource == "partner" ? .ok : .warning, "not-monitored",
          "\(server.name) is tied to no inventory appliance: only its partner's view of it is shown. If it is in the inventory, add ha-servers: [\(server.name)] to that entry."
        ))
    }
    return findings
  }

  /// Counters below zero, or a partner last heard from before Kea existed: a broken or lying
  /// answer. Nil when every value is possible.
  private func implausibleValues(_ remote: KeaRemoteServer?) -> String? {
    guard let remote else { return nil }
    var values: [String] = []
    // Ten years: no HA relationship has kept a stale partner that long.
    if let age = remote.age, age < 0 || age > 315_360_000 { values.append("age \(age) s") }
    let counters: [(String, Int?)] = [
      ("unacked clients", remote.unackedClients), ("connecting clients", remote.connectingClients),
      ("unacked clients left", remote.unackedClientsLeft),
      ("analyzed packets", remote.analyzedPackets),
    ]
    for (name, value) in counters {
      if let value, value < 0 { values.append("\(name) \(value)") }
    }
    return values.isEmpty ? nil : values.joined(separator: ", ")
  }

  /// The largest difference between the servers' clocks, from their `ha-heartbeat` answers
  /// (Kea 2.2) or `clock-skew` (newer Kea), in whole seconds.
  private func clockSkew(_ members: [KeaRelationshipBuilder.Member]) -> Int? {
    var reported = members.compactMap { $0.status?.remote?.clockSkew }.map(abs)
    let offsets: [Double] = members.compactMap { member in
      guard member.answered, let text = member.observation.kea?.heartbeat?.dateTime,
        let clock = HTTPDate.parse(text)
      else { return nil }
      return clock.timeIntervalSince(member.observation.askedAt)
    }
    if let low = offsets.min(), let high = offsets.max(), offsets.count >= 2 {
      reported.append(Int((high - low).rounded()))
    }
    return reported.max()
  }
}

/// RFC 1123 dates, as in Kea's `ha-heartbeat` `date-time` (`Sun, 22 Nov 2026 11:50:37 GMT`).
///
/// Read by hand: a `DateFormatter` per heartbeat was a twentieth of a 2,000-server run.
enum HTTPDate {
  private static let weekdays: Set<Substring> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
  private static let months: [Substring] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  static func parse(_ text: String) -> Date? {
    let parts = text.split(separator: " ")
    guard parts.count == 6, parts[0].hasSuffix(","), weekdays.contains(parts[0].dropLast()),
      parts[5] == "GMT" || parts[5] == "UTC",
      let day = number(parts[1], digits: 1...2), (1...31).contains(day),
      let monthIndex = months.firstIndex(of: parts[2]),
      let year = number(parts[3], digits: 4...4)
    else { return nil }
    let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
    guard clock.count == 3, let hour = number(clock[0], digits: 2...2), hour < 24,
      let minute = number(clock[1], digits: 2...2), minute < 60,
      let second = number(clock[2], digits: 2...2), second < 61
    else { return nil }
    let days = Timestamp.daysSinceEpoch(year: year, month: monthIndex + 1, day: day)
    return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
  }

  private static func number(_ text: Substring, digits: ClosedRange<Int>) -> Int? {
    guard digits.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
    else { return nil }
    return Int(text)
  }
}
