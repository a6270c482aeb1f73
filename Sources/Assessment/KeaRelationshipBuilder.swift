import Foundation
import Parallelism
import Snapshot

/// Groups Kea answers into relationships: by service and the configuration's peer names, then
/// by URL for servers whose own configuration is unknown (they could not be asked, or their
/// `config-get` failed) but whose partner's configuration names them.
struct KeaRelationshipBuilder {
  /// One server's answer about one of its relationships.
  struct Member {
    var observation: ApplianceObservation
    var status: KeaRelationshipStatus?
    var configuration: KeaHAConfiguration?
    var serverName: String
    var answered: Bool { observation.failure == nil && status != nil }
  }

  struct Group {
    var key: String
    var service: String?
    var members: [Member]
    var configuration: KeaHAConfiguration?
    var site: String?
  }

  /// Where one relationship of one server's answer goes: to the relationship its
  /// configuration's peers name, or to be placed by its URL (`status` is the relationship's
  /// index in the answer, nil when there is no answer).
  private enum Placement: Sendable {
    case keyed(String, status: Int)
    case unplaced(status: Int?)
  }

  /// What each answer says is worked out on all cores; only the keys meet on one, as
  /// indices, and each relationship's members are then gathered on all cores again: at 50,000
  /// servers, grouping on one core took a quarter of a second.
  static func groups(from observations: [ApplianceObservation]) -> [Group] {
    let answers = ConcurrentChunks.map(Array(observations.indices)) {
      placements(of: observations[$0])
    }
    var keys: [String] = []
    var memberIndices: [[(observation: Int, status: Int)]] = []
    var indexByKey: [String: Int] = [:]
    var unplaced: [(observation: Int, status: Int?)] = []
    for (observation, answer) in answers.enumerated() {
      for placement in answer {
        switch placement {
        case .keyed(let key, let status):
          if let existing = indexByKey[key] {
            memberIndices[existing].append((observation, status))
          } else {
            indexByKey[key] = keys.count
            keys.append(key)
            memberIndices.append([(observation, status)])
          }
        case .unplaced(let status):
          unplaced.append((observation, status))
        }
      }
    }
    var groups = ConcurrentChunks.map(Array(keys.indices)) { [keys, memberIndices] index -> Group in
      let members = memberIndices[index].map { reference -> Member in
        let observation = observations[reference.observation]
        let status = observation.kea?.relationships[reference.status]
        let configuration = observation.kea?.configuration?[safe: reference.status]
        return Member(
          observation: observation, status: status, configuration: configuration,
          serverName: configuration?.thisServerName ?? status?.local?.serverName
            ?? observation.name)
      }
      let first = observations[memberIndices[index][0].observation]
      return Group(
        key: keys[index], service: first.service, members: members,
        configuration: members.first?.configuration, site: first.site)
    }
    guard !unplaced.isEmpty else { return groups }
    // A server without its own configuration joins the first relationship whose configuration
    // names its URL. Looked up by URL: searching every relationship for each such server took
    // 1.3 s at 10,000 servers with one in twenty silent.
    let peerURLs = ConcurrentChunks.map(groups) { group in
      (group.configuration?.peers ?? []).map { (url: normalized($0.url ?? ""), name: $0.name) }
    }
    var byURL: [String: [(group: Int, peer: String)]] = [:]
    for (index, peers) in peerURLs.enumerated() {
      for peer in peers {
        // The first peer of a configuration with that URL, as a search of its peers finds.
        if byURL[peer.url]?.last?.group != index {
          byURL[peer.url, default: []].append((index, peer.name))
        }
      }
    }
    for (observationIndex, statusIndex) in unplaced {
      let observation = observations[observationIndex]
      let status = statusIndex.flatMap { observation.kea?.relationships[$0] }
      var placed = false
      for (index, peerName) in byURL[normalized(observation.endpoint)] ?? [] {
        guard groups[index].service == observation.service,
          !groups[index].members.contains(where: { $0.serverName == peerName })
        else { continue }
        groups[index].members.append(
          Member(
            observation: observation, status: status, configuration: nil, serverName: peerName))
        placed = true
        break
      }
      if !placed {
        groups.append(
          Group(
            key: "appliance:" + observation.name, service: observation.service,
            members: [
              Member(
                observation: observation, status: status, configuration: nil,
                serverName: status?.local?.serverName ?? observation.name)
            ],
            configuration: nil, site: observation.site))
      }
    }
    return groups
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
        (observation.service ?? "dhcp") + ":" + peerNames.joined(separator: ","), status: index)
    }
  }

  /// URLs compared without case, default path or trailing slash differences.
  static func normalized(_ url: String) -> String {
    var text = url.lowercased()
    while text.hasSuffix("/") { text.removeLast() }
    return text
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
