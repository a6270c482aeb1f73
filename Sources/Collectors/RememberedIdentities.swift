import Foundation
import Snapshot

/// What Kea appliances said of themselves in the previous run, for those that cannot say it
/// now.
///
/// A server that cannot be asked names nobody, and since Kea 2.4 its partner's configuration
/// gives the URL of its HA listener, not the one the inventory asks. What it said of itself
/// the last time it answered (its HA server names, and its relationships' peer URLs, which
/// tell two pairs with the same names apart) is kept in its observation, and so in the
/// snapshot, carried from run to run until it answers again.
public enum RememberedIdentities {
  /// Whether any Kea appliance in `observations` cannot say which HA server it is and has no
  /// `ha-servers` in the inventory: only then is the previous snapshot worth reading.
  public static func needed(by observations: [ApplianceObservation]) -> Bool {
    observations.contains { $0.kind == .kea && $0.identity == nil && !namesItself($0) }
  }

  /// `observations`, each Kea appliance that cannot say which HA server it is given what it
  /// said in `previous` (found by URL, then by name, so a renamed appliance keeps it).
  public static func apply(
    to observations: [ApplianceObservation], previous: Snapshot
  ) -> [ApplianceObservation] {
    var byEndpoint: [String: ApplianceIdentity] = [:]
    var byName: [String: ApplianceIdentity] = [:]
    for observation in previous.appliances where observation.kind == .kea {
      guard
        let identity = ownIdentity(of: observation)
          ?? (observation.identity?.source == .earlierRun ? observation.identity : nil)
      else { continue }
      byEndpoint[PeerURL.normalized(observation.endpoint)] = identity
      byName[observation.name] = identity
    }
    return observations.map { observation in
      guard observation.kind == .kea, observation.identity == nil, !namesItself(observation),
        let remembered = byEndpoint[PeerURL.normalized(observation.endpoint)]
          ?? byName[observation.name]
      else { return observation }
      var observation = observation
      observation.identity = remembered
      return observation
    }
  }

  /// Whether its answer names it: asked of every appliance of a run, so it builds nothing,
  /// where `ownIdentity` builds the names and the sorted peer URLs.
  static func namesItself(_ observation: ApplianceObservation) -> Bool {
    guard observation.failure == nil, let kea = observation.kea else { return false }
    return kea.relationships.indices.contains { index in
      kea.configuration?[safe: index]?.thisServerName != nil
        || kea.relationships[index].local?.serverName != nil
    }
  }

  /// What an answer says of itself: the configuration's `this-server-name` (or Kea 2.6's
  /// `server-name` in status-get) for each relationship, and the peers' URLs.
  static func ownIdentity(of observation: ApplianceObservation) -> ApplianceIdentity? {
    guard observation.failure == nil, let kea = observation.kea else { return nil }
    var names: [String] = []
    for (index, relationship) in kea.relationships.enumerated() {
      if let name = kea.configuration?[safe: index]?.thisServerName
        ?? relationship.local?.serverName, !names.contains(name)
      {
        names.append(name)
      }
    }
    guard !names.isEmpty else { return nil }
    let urls = (kea.configuration ?? []).flatMap { $0.peers.compactMap(\.url) }.map(
      PeerURL.normalized)
    return ApplianceIdentity(
      serverNames: names, source: .earlierRun, seenAt: observation.askedAt,
      peerURLs: urls.isEmpty ? nil : Array(Set(urls)).sorted())
  }
}
