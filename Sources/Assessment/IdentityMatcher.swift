import Foundation
import Snapshot

/// Ties the appliances that could not say which HA server they are (no answer, or no
/// configuration in it) to the empty places in the relationships their partners describe.
///
/// Each piece of evidence has a weight, and the heaviest wins only when it points at one place
/// per name: a hub in hub-and-spoke is a different server name in each of its relationships,
/// and an appliance known by those names fills one place under each; one known by its address
/// alone fills one place. Two appliances that claim one place equally are both left
/// unmatched, with a reason that says how to settle it.
struct IdentityMatcher {
  typealias Group = KeaRelationshipBuilder.Group

  /// What ties an appliance to a place, heaviest first.
  private enum Weight {
    static let earlierRunURLs = 16
    static let sameURL = 8
    static let sameHost = 4
    static let sameSite = 2
    static let name = 1
  }

  /// A server a relationship's configuration names but no appliance answered for.
  private struct Slot {
    var group: Int
    var name: String
    var url: String
    var host: String?
    var identity: String { name + "\u{0}" + url }
  }

  enum Outcome {
    case placed([(groups: [Int], name: String)], evidence: String?)
    case unmatched(String)
  }

  struct Claim {
    var places: [(identity: String, name: String, groups: [Int])] = []
    var score = 0
    var evidence: String?
    var reason = ""
    var appliance = ""
  }

  private let groups: [Group]
  private var slotsByName: [String: [Slot]] = [:]
  private var slotsByURL: [String: [Slot]] = [:]
  private var slotsByHost: [String: [Slot]] = [:]

  init(groups: [Group]) {
    self.groups = groups
    for (index, group) in groups.enumerated() {
      let taken = Set(group.members.map(\.serverName))
      for peer in group.configuration?.peers ?? [] where !taken.contains(peer.name) {
        let url = PeerURL.normalized(peer.url ?? "")
        let slot = Slot(
          group: index, name: peer.name, url: url, host: PeerURL.host(url))
        slotsByName[peer.name, default: []].append(slot)
        if !url.isEmpty { slotsByURL[url, default: []].append(slot) }
        if let host = slot.host { slotsByHost[host, default: []].append(slot) }
      }
    }
  }

  /// The place the evidence points at for one appliance, or why there is none.
  func claim(_ observation: ApplianceObservation, status: KeaRelationshipStatus?) -> Claim {
    var claim = Claim(appliance: observation.name)
    let ownName = status?.local?.serverName
    let names = ownName.map { [$0] } ?? observation.identity?.serverNames
    let endpoint = PeerURL.normalized(observation.endpoint)
    let host = PeerURL.host(endpoint)
    var candidates: [Slot]
    if let names {
      candidates = names.flatMap { slotsByName[$0] ?? [] }
    } else {
      candidates = (slotsByURL[endpoint] ?? []) + (host.flatMap { slotsByHost[$0] } ?? [])
    }
    candidates = candidates.filter { slot in
      let service = groups[slot.group].service
      return service == nil || observation.service == nil || service == observation.service
    }
    let remembered =
      observation.identity?.source == .earlierRun ? Set(observation.identity?.peerURLs ?? []) : []
    var best: [String: (score: Int, slots: [Slot])] = [:]
    for slot in candidates {
      var score = names == nil ? 0 : Weight.name
      if remembered.contains(slot.url) { score += Weight.earlierRunURLs }
      if !slot.url.isEmpty, slot.url == endpoint { score += Weight.sameURL }
      if let host, slot.host == host { score += Weight.sameHost }
      if let site = observation.site, groups[slot.group].site == site { score += Weight.sameSite }
      guard names != nil || score >= Weight.sameHost else { continue }
      let current = best[slot.identity]
      if current == nil || current?.score ?? 0 < score {
        best[slot.identity] = (score, [slot])
      } else if current?.score == score,
        current?.slots.contains(where: { $0.group == slot.group }) == false
      {
        best[slot.identity]?.slots.append(slot)
      }
    }
    let failure =
      observation.failure.map { "it could not be asked (\($0.message))" }
      ?? "its answer does not say which HA server it is"
    guard let top = best.values.map(\.score).max() else {
      // A mistake in how it is asked is what to fix first; once it answers, its answer says
      // who it is.
      if let failure = observation.failure,
        [.notConfigured, .configuration, .unauthorized, .tls].contains(failure.kind)
      {
        claim.reason = failure.message
        return claim
      }
      claim.reason =
        names.map {
          "\(failure), and no relationship that answered has a place for \($0.joined(separator: " or ")); check the ha-servers of its inventory entry against the this-server-name of its HA configuration"
        }
        ?? "\(failure), and nothing tells which HA server it is: add ha-servers: [its this-server-name] to its inventory entry"
      return claim
    }
    // One place per name: an appliance known by several names (a hub, which is a different
    // server name in each of its relationships) fills one place under each; one known by its
    // address alone fills one place.
    var chosen: [(identity: String, slots: [Slot])] = []
    var ambiguous: [Slot] = []
    let byName = Dictionary(grouping: best.filter { $0.value.score == top }) {
      $0.value.slots[0].name
    }
    for (_, leaders) in byName.sorted(by: { $0.key < $1.key }) {
      if leaders.count == 1, let leader = leaders.first {
        chosen.append((leader.key, leader.value.slots))
      } else {
        ambiguous += leaders.compactMap(\.value.slots.first)
      }
    }
    if names == nil, chosen.count > 1 { ambiguous += chosen.compactMap(\.slots.first) }
    guard ambiguous.isEmpty else {
      let places = ambiguous.map { describe($0) }.sorted()
      claim.reason =
        "\(failure), and it could be \(places.joined(separator: " or ")): add ha-servers (and site) to its inventory entry to say which"
      return claim
    }
    claim.places = chosen.map { ($0.identity, $0.slots[0].name, $0.slots.map(\.group)) }
    claim.score = top
    claim.evidence = evidence(
      top, observation: observation, ownName: ownName,
      name: claim.places.map(\.name).joined(separator: ", "))
    return claim
  }

  /// Where each claim ends: a place claimed by several appliances goes to the one with the
  /// heaviest evidence, and to none when two are equal.
  func settle(_ claims: [Claim]) -> [Outcome] {
    var claimants: [String: [Int]] = [:]
    for (position, claim) in claims.enumerated() {
      for place in claim.places { claimants[place.identity, default: []].append(position) }
    }
    return claims.enumerated().map { position, claim in
      guard !claim.places.isEmpty else { return .unmatched(claim.reason) }
      let rivals = Set(
        claim.places.flatMap { claimants[$0.identity] ?? [] }.filter { $0 != position })
      let stronger = rivals.filter { claims[$0].score >= claim.score }.sorted()
      guard let rival = stronger.first else {
        return .placed(
          claim.places.map { (groups: $0.groups, name: $0.name) }, evidence: claim.evidence)
      }
      let name = claim.places.map(\.name).joined(separator: ", ")
      let others = stronger.map { claims[$0].appliance }.joined(separator: ", ")
      return .unmatched(
        claims[rival].score > claim.score
          ? "it looks like \(name), but \(others) is tied to that server more surely; check the ha-servers and site of both inventory entries"
          : "it and \(others) could each be \(name) with the same evidence: add ha-servers (and site) to their inventory entries to say which is which"
      )
    }
  }

  /// "server2 beside dc1-kea-a": a place, named by the appliances around it.
  private func describe(_ slot: Slot) -> String {
    let beside = groups[slot.group].members.map(\.observation.name)
    let site = groups[slot.group].site.map { " at \($0)" } ?? ""
    return beside.isEmpty
      ? "\(slot.name)\(site)" : "\(slot.name) beside \(beside.joined(separator: ", "))\(site)"
  }

  private func evidence(
    _ score: Int, observation: ApplianceObservation, ownName: String?, name: String
  ) -> String? {
    // Its own status-get names it: no more to say than its own answer does.
    guard ownName == nil else { return nil }
    var parts: [String] = []
    switch observation.identity?.source {
    case .inventory: parts.append("ha-servers in the inventory")
    case .earlierRun:
      let when = observation.identity?.seenAt.map { " of \(Timestamp.text($0))" } ?? ""
      parts.append("its own answer\(when)")
    case nil: break
    }
    if score & Weight.sameURL != 0 {
      parts.append("its URL, given for \(name) in its partner's configuration")
    } else if score & Weight.sameHost != 0 {
      parts.append("its host, given for \(name) in its partner's configuration")
    }
    if score & Weight.sameSite != 0 { parts.append("its site") }
    guard let last = parts.popLast() else { return nil }
    return parts.isEmpty ? last : parts.joined(separator: ", ") + " and " + last
  }
}
