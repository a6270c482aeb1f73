import Foundation
import Parallelism
import Snapshot

/// Groups Kea answers into relationships, and ties every inventory appliance to the HA server
/// it is.
///
/// A relationship is found from the configurations that answered: by service and peer names,
/// and, when two answers claim the same server name (two sites that both kept Kea's
/// `server1` / `server2`), told apart by their peers' URLs and then by site. A server that
/// could not say who it is fills its partner's empty place by what else is known: its own
/// `status-get` (Kea 2.6 names itself there), the inventory's `ha-servers`, what it said in an
/// earlier run, its URL or host against the peer URL its partner's configuration gives, and
/// its site. An appliance that nothing ties to one place is returned as unmatched, never as a
/// relationship of its own.
struct KeaRelationshipBuilder {
  /// One server's answer about one of its relationships.
  struct Member {
    var observation: ApplianceObservation
    var status: KeaRelationshipStatus?
    var configuration: KeaHAConfiguration?
    var serverName: String
    /// How the appliance is known to be this server, when not by its own answer.
    var identifiedBy: String? = nil
    var answered: Bool { observation.failure == nil && status != nil }
  }

  struct Group {
    var service: String?
    var members: [Member]
    var configuration: KeaHAConfiguration?
    var site: String?
  }

  struct Result {
    var groups: [Group]
    var unmatched: [UnmatchedAppliance]
  }

  /// Where one relationship of one server's answer goes (`status` is the relationship's index
  /// in the answer, nil when there is no answer).
  private enum Placement: Sendable {
    /// By its configuration: the bucket of its peer names, its own name, and its peers' URLs.
    case keyed(bucket: String, name: String, signature: Int, status: Int)
    case unplaced(status: Int?)
  }

  private struct Draft {
    var bucket: String
    var signature: Int
    var site: String?
    /// A relationship has two or three servers: a list is searched faster than a set is built.
    var names: [String]
    var members: [(observation: Int, status: Int, name: String)]
  }

  /// What each answer says is worked out on all cores; only the keys meet on one, as
  /// indices, and each relationship's members are then gathered on all cores again: at 50,000
  /// servers, grouping on one core took a quarter of a second.
  static func build(from observations: [ApplianceObservation]) -> Result {
    let answers = ConcurrentChunks.map(Array(observations.indices)) {
      placements(of: observations[$0])
    }
    var drafts: [Draft] = []
    var draftsByBucket: [String: [Int]] = [:]
    var unplaced: [(observation: Int, status: Int?)] = []
    for (observation, answer) in answers.enumerated() {
      for placement in answer {
        switch placement {
        case .keyed(let bucket, let name, let signature, let status):
          let site = observations[observation].site
          let candidates = draftsByBucket[bucket] ?? []
          // The same peers at the same URLs are one relationship; with other URLs, one at the
          // same site (a pair whose two configurations spell a URL differently), as long as
          // the name is still free there.
          let chosen =
            candidates.first {
              drafts[$0].signature == signature && !drafts[$0].names.contains(name)
            }
            ?? candidates.first { drafts[$0].site == site && !drafts[$0].names.contains(name) }
          if let chosen {
            drafts[chosen].names.append(name)
            drafts[chosen].members.append((observation, status, name))
          } else {
            draftsByBucket[bucket, default: []].append(drafts.count)
            drafts.append(
              Draft(
                bucket: bucket, signature: signature, site: site, names: [name],
                members: [(observation, status, name)]))
          }
        case .unplaced(let status):
          unplaced.append((observation, status))
        }
      }
    }
    var groups = ConcurrentChunks.map(Array(drafts.indices)) { [drafts] index -> Group in
      let members = drafts[index].members.map { reference -> Member in
        let observation = observations[reference.observation]
        return Member(
          observation: observation, status: observation.kea?.relationships[reference.status],
          configuration: observation.kea?.configuration?[safe: reference.status],
          serverName: reference.name)
      }
      let first = observations[drafts[index].members[0].observation]
      return Group(
        service: first.service, members: members,
        configuration: members.first?.configuration, site: first.site)
    }
    guard !unplaced.isEmpty else { return Result(groups: groups, unmatched: []) }
    let matcher = IdentityMatcher(groups: groups)
    let claims = unplaced.map { reference in
      matcher.claim(
        observations[reference.observation],
        status: reference.status.flatMap {
          observations[reference.observation].kea?.relationships[$0]
        })
    }
    let winners = matcher.settle(claims)
    var unmatched: [UnmatchedAppliance] = []
    for (position, reference) in unplaced.enumerated() {
      let observation = observations[reference.observation]
      let status = reference.status.flatMap { observation.kea?.relationships[$0] }
      switch winners[position] {
      case .placed(let places, let evidence):
        for place in places {
          for group in place.groups {
            groups[group].members.append(
              Member(
                observation: observation, status: status, configuration: nil,
                serverName: place.name, identifiedBy: evidence))
          }
        }
      case .unmatched(let reason):
        if let status {
          // It answered status-get, so the relationship exists; only its peers are unknown.
          groups.append(
            Group(
              service: observation.service,
              members: [
                Member(
                  observation: observation, status: status, configuration: nil,
                  serverName: status.local?.serverName ?? observation.identity?.serverNames.first
                    ?? observation.name)
              ],
              configuration: nil, site: observation.site))
        } else {
          unmatched.append(
            UnmatchedAppliance(
              name: observation.name, site: observation.site, endpoint: observation.endpoint,
              reason: reason))
        }
      }
    }
    return Result(groups: groups, unmatched: unmatched)
  }

  /// Where each relationship in one server's answer goes.
  private static func placements(of observation: ApplianceObservation) -> [Placement] {
    guard observation.kind == .kea else { return [] }
    guard observation.failure == nil, let kea = observation.kea, !kea.relationships.isEmpty else {
      return [.unplaced(status: nil)]
    }
    return kea.relationships.indices.map { index in
      // Kea 2.2's status-get does not name the partner: without this server's configuration
      // only the partner's can tell which relationship the answer belongs to.
      guard let configuration = kea.configuration?[safe: index] else {
        return .unplaced(status: index)
      }
      let peerNames = configuration.peers.map(\.name).sorted()
      return .keyed(
        bucket: (observation.service ?? "dhcp") + ":" + peerNames.joined(separator: ","),
        name: configuration.thisServerName ?? kea.relationships[index].local?.serverName
          ?? observation.name,
        signature: PeerURL.signature(configuration.peers.map { $0.url ?? "" }), status: index)
    }
  }
}
