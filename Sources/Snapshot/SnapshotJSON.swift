import Foundation

// The snapshot's JSON written by hand, member by member in sorted key order. Foundation's
// encoder made the same bytes but was most of the time from a large fleet's snapshot to its
// page (a second at 10,000 servers, where this takes a few hundredths): it builds a tree of
// boxed values and sorts every object's keys. `SnapshotJSONTests` holds these writers to
// `Snapshot.makeEncoder()` byte for byte, and checks that every stored property is written.
//
// One writer per type, each the same shape, on purpose: a table of key paths would go through
// `AnyKeyPath` and existential boxes per member, which is the cost this file exists to avoid,
// and generating them (a macro) would bring swift-syntax into the build for 320 lines that
// the tests already hold to `Codable`. A new stored property fails those tests until written.

extension Snapshot {
  /// The bytes of `snapshot.json`: the same as `makeEncoder().encode(self)`.
  public func encodedJSON() -> [UInt8] {
    var json = JSONBytes(
      capacity: 4096 + appliances.reduce(0) { $0 + 1024 + $1.exchangeBytes })
    write(to: &json)
    return json.bytes
  }

  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("acknowledgements", acknowledgements) { json, value in value.write(to: &json) }
      json.key("appliances")
      json.array(appliances) { json, appliance in appliance.write(to: &json) }
      json.key("collectedAt")
      json.date(collectedAt)
      json.key("durationMilliseconds")
      json.int(durationMilliseconds)
      json.key("format")
      json.int(format)
      json.key("generator")
      json.string(generator)
      json.key("inventoryDigest")
      json.string(inventoryDigest)
      json.optional("judging", judging) { json, value in value.write(to: &json) }
      json.optional("pseudonymized", pseudonymized) { $0.bool($1) }
      json.optional("regions", regions) { json, values in
        json.array(values) { json, value in value.write(to: &json) }
      }
    }
  }
}

extension Acknowledgements {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.key("acknowledgements")
      json.array(acknowledgements) { json, entry in
        json.object { json in
          json.key("appliances")
          json.strings(entry.appliances)
          json.key("by")
          json.string(entry.by)
          json.key("line")
          json.int(entry.line)
          json.key("reason")
          json.string(entry.reason)
          json.optional("relationship", entry.relationship) { $0.string($1) }
          json.optional("site", entry.site) { $0.string($1) }
          json.optional("ticket", entry.ticket) { $0.string($1) }
          json.key("until")
          json.date(entry.until)
          json.key("upTo")
          json.string(entry.upTo)
        }
      }
      json.key("file")
      json.string(file)
      json.key("maintenance")
      json.array(maintenance) { json, window in
        json.object { json in
          json.key("appliances")
          json.strings(window.appliances)
          json.key("from")
          json.date(window.from)
          json.key("line")
          json.int(window.line)
          json.key("reason")
          json.string(window.reason)
          json.key("sites")
          json.strings(window.sites)
          json.key("until")
          json.date(window.until)
        }
      }
    }
  }
}

extension JudgingThresholds {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("interruptedCriticalAfter", interruptedCriticalAfter) { $0.int($1) }
      json.optional("recoverWaitGrace", recoverWaitGrace) { $0.int($1) }
      json.optional("transitionCriticalAfter", transitionCriticalAfter) { $0.int($1) }
    }
  }
}

extension RegionReport {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("collectedAt", collectedAt) { $0.date($1) }
      json.optional("generator", generator) { $0.string($1) }
      json.key("intervalsSeconds")
      json.array(intervalsSeconds) { json, value in json.int(value) }
      json.optional("judging", judging) { json, value in value.write(to: &json) }
      json.key("maximumAgeSeconds")
      json.int(maximumAgeSeconds)
      json.key("name")
      json.string(name)
      json.optional("problem", problem) { $0.string($1) }
      json.optional("snapshotDigest", snapshotDigest) { $0.string($1) }
      json.key("source")
      json.string(source)
      json.key("status")
      json.string(status.rawValue)
    }
  }
}

extension ApplianceObservation {
  /// About how many bytes the evidence takes, so the buffer is sized once.
  var exchangeBytes: Int { exchanges.reduce(0) { $0 + 64 + $1.body.utf8.count * 9 / 8 } }

  func write(to json: inout JSONBytes) {
    json.object { json in
      json.key("askedAt")
      json.date(askedAt)
      json.key("durationMilliseconds")
      json.int(durationMilliseconds)
      json.key("endpoint")
      json.string(endpoint)
      json.key("exchanges")
      json.array(exchanges) { json, exchange in exchange.write(to: &json) }
      json.optional("failoverPeers", failoverPeers) { json, values in
        json.array(values) { json, value in value.write(to: &json) }
      }
      json.optional("failure", failure) { json, value in value.write(to: &json) }
      json.optional("identity", identity) { json, value in value.write(to: &json) }
      json.optional("kea", kea) { json, value in value.write(to: &json) }
      json.key("kind")
      json.string(kind.rawValue)
      json.key("name")
      json.string(name)
      json.optional("region", region) { $0.string($1) }
      json.optional("service", service) { $0.string($1) }
      json.optional("site", site) { $0.string($1) }
      json.optional("unanswered", unanswered) { json, values in
        json.array(values) { json, value in value.write(to: &json) }
      }
    }
  }
}

extension ApplianceIdentity {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("peerURLs", peerURLs) { json, values in
        json.array(values) { json, value in json.string(value) }
      }
      json.optional("seenAt", seenAt) { $0.date($1) }
      json.key("serverNames")
      json.array(serverNames) { json, value in json.string(value) }
      json.key("source")
      json.string(source.rawValue)
    }
  }
}

extension UnansweredCommand {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.key("command")
      json.string(command)
      json.key("failure")
      failure.write(to: &json)
    }
  }
}

extension CollectionFailure {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.key("kind")
      json.string(kind.rawValue)
      json.key("message")
      json.string(message)
    }
  }
}

extension RawExchange {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.key("body")
      json.string(body)
      json.key("command")
      json.string(command)
      json.optional("httpStatus", httpStatus) { $0.int($1) }
      json.key("truncated")
      json.bool(truncated)
    }
  }
}

extension FailoverPeerStatus {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("appliance", appliance) { $0.string($1) }
      json.optional("maxResponseDelay", maxResponseDelay) { $0.int($1) }
      json.optional("mclt", mclt) { $0.int($1) }
      json.optional("myState", myState) { $0.string($1) }
      json.optional("myStateTime", myStateTime) { $0.date($1) }
      json.key("name")
      json.string(name)
      json.optional("partnerState", partnerState) { $0.string($1) }
      json.optional("partnerStateTime", partnerStateTime) { $0.date($1) }
      json.optional("role", role) { $0.string($1) }
      json.optional("unackedUpdates", unackedUpdates) { $0.int($1) }
    }
  }
}

extension KeaStatus {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("configuration", configuration) { json, values in
        json.array(values) { json, value in value.write(to: &json) }
      }
      json.optional("heartbeat", heartbeat) { json, value in value.write(to: &json) }
      json.optional("pid", pid) { $0.int($1) }
      json.key("relationships")
      json.array(relationships) { json, relationship in relationship.write(to: &json) }
      json.key("result")
      json.int(result)
      json.optional("text", text) { $0.string($1) }
      json.optional("uptime", uptime) { $0.int($1) }
    }
  }
}

extension KeaRelationshipStatus {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("local", local) { json, value in value.write(to: &json) }
      json.optional("mode", mode) { $0.string($1) }
      json.optional("remote", remote) { json, value in value.write(to: &json) }
    }
  }
}

extension KeaLocalServer {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("role", role) { $0.string($1) }
      json.optional("scopes", scopes) { $0.strings($1) }
      json.optional("serverName", serverName) { $0.string($1) }
      json.optional("state", state) { $0.string($1) }
      json.optional("systemTime", systemTime) { $0.string($1) }
    }
  }
}

extension KeaRemoteServer {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("age", age) { $0.int($1) }
      json.optional("analyzedPackets", analyzedPackets) { $0.int($1) }
      json.optional("clockSkew", clockSkew) { $0.int($1) }
      json.optional("communicationInterrupted", communicationInterrupted) { $0.bool($1) }
      json.optional("connectingClients", connectingClients) { $0.int($1) }
      json.optional("inTouch", inTouch) { $0.bool($1) }
      json.optional("lastScopes", lastScopes) { $0.strings($1) }
      json.optional("lastState", lastState) { $0.string($1) }
      json.optional("role", role) { $0.string($1) }
      json.optional("serverName", serverName) { $0.string($1) }
      json.optional("systemTime", systemTime) { $0.string($1) }
      json.optional("unackedClients", unackedClients) { $0.int($1) }
      json.optional("unackedClientsLeft", unackedClientsLeft) { $0.int($1) }
    }
  }
}

extension KeaHAConfiguration {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("delayedUpdatesLimit", delayedUpdatesLimit) { $0.int($1) }
      json.optional("heartbeatDelay", heartbeatDelay) { $0.int($1) }
      json.optional("maxAckDelay", maxAckDelay) { $0.int($1) }
      json.optional("maxResponseDelay", maxResponseDelay) { $0.int($1) }
      json.optional("maxUnackedClients", maxUnackedClients) { $0.int($1) }
      json.optional("mode", mode) { $0.string($1) }
      json.key("peers")
      json.array(peers) { json, peer in peer.write(to: &json) }
      json.optional("thisServerName", thisServerName) { $0.string($1) }
    }
  }
}

extension KeaPeer {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("autoFailover", autoFailover) { $0.bool($1) }
      json.key("name")
      json.string(name)
      json.optional("role", role) { $0.string($1) }
      json.optional("url", url) { $0.string($1) }
    }
  }
}

extension KeaHeartbeat {
  func write(to json: inout JSONBytes) {
    json.object { json in
      json.optional("dateTime", dateTime) { $0.string($1) }
      json.optional("scopes", scopes) { $0.strings($1) }
      json.optional("state", state) { $0.string($1) }
      json.optional("unsentUpdateCount", unsentUpdateCount) { $0.int($1) }
    }
  }
}
