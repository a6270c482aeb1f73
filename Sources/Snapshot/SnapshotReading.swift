import Foundation
import JSONText

// `snapshot.json` read back by hand, the inverse of `SnapshotJSON.swift`. `JSONDecoder` gave the
// same values, but at 50,000 servers it took longer than assessing, rendering, validating and
// publishing the page together (most of it looking up the generic metadata of each keyed
// container, under a lock shared by both cores). `SnapshotReadingTests` holds this reader to
// `Snapshot.makeDecoder()`: the same values for every stored property, the same documents
// refused. Members it does not know are skipped, as `JSONDecoder` skips them. One reader per
// type, the same shape each, for the reasons `SnapshotJSON.swift` gives for its writers.

extension Snapshot {
  /// The snapshot `snapshot.json`'s bytes hold: what `makeDecoder().decode(Snapshot.self, …)`
  /// gives, or an error with the line, column and path of what is wrong.
  public static func decoded(fromJSON bytes: [UInt8]) throws(JSONSyntaxError) -> Snapshot {
    var reader = JSONPullReader(bytes)
    let snapshot = try Snapshot(reading: &reader)
    try reader.finish()
    return snapshot
  }

  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var format: Int?
    var generator: String?
    var collectedAt: Date?
    var duration: Int?
    var digest: String?
    var appliances: [ApplianceObservation]?
    var regions: [RegionReport]?
    var judging: JudgingThresholds?
    var acknowledgements: Acknowledgements?
    var pseudonymized: Bool?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "acknowledgements":
        acknowledgements = try reader.optional(Acknowledgements.init(reading:))
      case "appliances": appliances = try reader.readList(ApplianceObservation.init(reading:))
      case "collectedAt": collectedAt = try reader.readDate()
      case "durationMilliseconds": duration = try reader.readInt()
      case "format": format = try reader.readInt()
      case "generator": generator = try reader.readString()
      case "inventoryDigest": digest = try reader.readString()
      case "judging": judging = try reader.optional(JudgingThresholds.init(reading:))
      case "pseudonymized": pseudonymized = try reader.optionalBool()
      case "regions":
        regions = try reader.optional { reader throws(JSONSyntaxError) in
          try reader.readList(RegionReport.init(reading:))
        }
      default: try reader.skipValue()
      }
    }
    self.init(
      generator: try reader.required(generator, "generator"),
      collectedAt: try reader.required(collectedAt, "collectedAt"),
      durationMilliseconds: try reader.required(duration, "durationMilliseconds"),
      inventoryDigest: try reader.required(digest, "inventoryDigest"),
      appliances: try reader.required(appliances, "appliances"), regions: regions,
      judging: judging)
    self.format = try reader.required(format, "format")
    self.acknowledgements = acknowledgements
    self.pseudonymized = pseudonymized
  }
}

extension Acknowledgements {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var file: String?
    var entries: [Acknowledgement]?
    var windows: [MaintenanceWindow]?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "acknowledgements": entries = try reader.readList(Acknowledgement.init(reading:))
      case "file": file = try reader.readString()
      case "maintenance": windows = try reader.readList(MaintenanceWindow.init(reading:))
      default: try reader.skipValue()
      }
    }
    self.init(
      file: try reader.required(file, "file"),
      acknowledgements: try reader.required(entries, "acknowledgements"),
      maintenance: try reader.required(windows, "maintenance"))
  }
}

extension Acknowledgement {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var line: Int?
    var appliances: [String]?
    var relationship: String?
    var site: String?
    var by: String?
    var reason: String?
    var ticket: String?
    var until: Date?
    var upTo: String?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "appliances":
        appliances = try reader.readList { reader throws(JSONSyntaxError) in try reader.readString()
        }
      case "by": by = try reader.readString()
      case "line": line = try reader.readInt()
      case "reason": reason = try reader.readString()
      case "relationship": relationship = try reader.optionalString()
      case "site": site = try reader.optionalString()
      case "ticket": ticket = try reader.optionalString()
      case "until": until = try reader.readDate()
      case "upTo": upTo = try reader.readString()
      default: try reader.skipValue()
      }
    }
    self.init(
      line: try reader.required(line, "line"),
      appliances: try reader.required(appliances, "appliances"), relationship: relationship,
      site: site, by: try reader.required(by, "by"), reason: try reader.required(reason, "reason"),
      ticket: ticket, until: try reader.required(until, "until"),
      upTo: try reader.required(upTo, "upTo"))
  }
}

extension MaintenanceWindow {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var line: Int?
    var appliances: [String]?
    var sites: [String]?
    var from: Date?
    var until: Date?
    var reason: String?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "appliances":
        appliances = try reader.readList { reader throws(JSONSyntaxError) in try reader.readString()
        }
      case "from": from = try reader.readDate()
      case "line": line = try reader.readInt()
      case "reason": reason = try reader.readString()
      case "sites":
        sites = try reader.readList { reader throws(JSONSyntaxError) in try reader.readString() }
      case "until": until = try reader.readDate()
      default: try reader.skipValue()
      }
    }
    self.init(
      line: try reader.required(line, "line"),
      appliances: try reader.required(appliances, "appliances"),
      sites: try reader.required(sites, "sites"), from: try reader.required(from, "from"),
      until: try reader.required(until, "until"), reason: try reader.required(reason, "reason"))
  }
}

extension JudgingThresholds {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    self.init()
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "interruptedCriticalAfter": interruptedCriticalAfter = try reader.optionalInt()
      case "recoverWaitGrace": recoverWaitGrace = try reader.optionalInt()
      case "transitionCriticalAfter": transitionCriticalAfter = try reader.optionalInt()
      default: try reader.skipValue()
      }
    }
  }
}

extension RegionReport {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var name: String?
    var source: String?
    var status: Status?
    var maximumAge: Int?
    var intervals: [Int]?
    var report = RegionReport(name: "", source: "", status: .fresh, maximumAgeSeconds: 0)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "collectedAt": report.collectedAt = try reader.optionalDate()
      case "generator": report.generator = try reader.optionalString()
      case "intervalsSeconds":
        intervals = try reader.readList { reader throws(JSONSyntaxError) in
          try reader.readInt()
        }
      case "judging": report.judging = try reader.optional(JudgingThresholds.init(reading:))
      case "maximumAgeSeconds": maximumAge = try reader.readInt()
      case "name": name = try reader.readString()
      case "problem": report.problem = try reader.optionalString()
      case "snapshotDigest": report.snapshotDigest = try reader.optionalString()
      case "source": source = try reader.readString()
      case "status": status = try reader.readEnum(Status.self)
      default: try reader.skipValue()
      }
    }
    report.name = try reader.required(name, "name")
    report.source = try reader.required(source, "source")
    report.status = try reader.required(status, "status")
    report.maximumAgeSeconds = try reader.required(maximumAge, "maximumAgeSeconds")
    report.intervalsSeconds = try reader.required(intervals, "intervalsSeconds")
    self = report
  }
}

extension ApplianceObservation {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var name: String?
    var kind: ApplianceKind?
    var endpoint: String?
    var askedAt: Date?
    var duration: Int?
    var exchanges: [RawExchange]?
    var observation = ApplianceObservation(
      name: "", kind: .kea, site: nil, endpoint: "", service: nil,
      askedAt: Date(timeIntervalSince1970: 0),
      durationMilliseconds: 0)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "askedAt": askedAt = try reader.readDate()
      case "durationMilliseconds": duration = try reader.readInt()
      case "endpoint": endpoint = try reader.readString()
      case "exchanges": exchanges = try reader.readList(RawExchange.init(reading:))
      case "failoverPeers":
        observation.failoverPeers = try reader.optional { reader throws(JSONSyntaxError) in
          try reader.readList(FailoverPeerStatus.init(reading:))
        }
      case "failure": observation.failure = try reader.optional(CollectionFailure.init(reading:))
      case "identity":
        observation.identity = try reader.optional(ApplianceIdentity.init(reading:))
      case "kea": observation.kea = try reader.optional(KeaStatus.init(reading:))
      case "kind": kind = try reader.readEnum(ApplianceKind.self)
      case "name": name = try reader.readString()
      case "region": observation.region = try reader.optionalString()
      case "service": observation.service = try reader.optionalString()
      case "site": observation.site = try reader.optionalString()
      case "unanswered":
        observation.unanswered = try reader.optional { reader throws(JSONSyntaxError) in
          try reader.readList(UnansweredCommand.init(reading:))
        }
      default: try reader.skipValue()
      }
    }
    observation.name = try reader.required(name, "name")
    observation.kind = try reader.required(kind, "kind")
    observation.endpoint = try reader.required(endpoint, "endpoint")
    observation.askedAt = try reader.required(askedAt, "askedAt")
    observation.durationMilliseconds = try reader.required(duration, "durationMilliseconds")
    observation.exchanges = try reader.required(exchanges, "exchanges")
    self = observation
  }
}

extension ApplianceIdentity {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var names: [String]?
    var source: Source?
    var identity = ApplianceIdentity(serverNames: [], source: .inventory)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "peerURLs": identity.peerURLs = try reader.optionalStrings()
      case "seenAt": identity.seenAt = try reader.optionalDate()
      case "serverNames": names = try reader.optionalStrings()
      case "source": source = try reader.readEnum(Source.self)
      default: try reader.skipValue()
      }
    }
    identity.serverNames = try reader.required(names, "serverNames")
    identity.source = try reader.required(source, "source")
    self = identity
  }
}

extension UnansweredCommand {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var command: String?
    var failure: CollectionFailure?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "command": command = try reader.readString()
      case "failure": failure = try CollectionFailure(reading: &reader)
      default: try reader.skipValue()
      }
    }
    self.init(
      command: try reader.required(command, "command"),
      failure: try reader.required(failure, "failure"))
  }
}

extension CollectionFailure {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var kind: Kind?
    var message: String?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "kind": kind = try reader.readEnum(Kind.self)
      case "message": message = try reader.readString()
      default: try reader.skipValue()
      }
    }
    self.init(try reader.required(kind, "kind"), "")
    // As written: `init(_:_:)` would fold it to one line again.
    self.message = try reader.required(message, "message")
  }
}

extension RawExchange {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var body: String?
    var command: String?
    var httpStatus: Int?
    var truncated: Bool?
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "body": body = try reader.readString()
      case "command": command = try reader.readString()
      case "httpStatus": httpStatus = try reader.optionalInt()
      case "truncated": truncated = try reader.readBool()
      default: try reader.skipValue()
      }
    }
    self.init(
      command: try reader.required(command, "command"), httpStatus: httpStatus,
      body: try reader.required(body, "body"),
      truncated: try reader.required(truncated, "truncated"))
  }
}

extension FailoverPeerStatus {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var name: String?
    var peer = FailoverPeerStatus(
      name: "", myState: nil, myStateTime: nil, partnerState: nil, partnerStateTime: nil,
      mclt: nil)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "appliance": peer.appliance = try reader.optionalString()
      case "maxResponseDelay": peer.maxResponseDelay = try reader.optionalInt()
      case "mclt": peer.mclt = try reader.optionalInt()
      case "myState": peer.myState = try reader.optionalString()
      case "myStateTime": peer.myStateTime = try reader.optionalDate()
      case "name": name = try reader.readString()
      case "partnerState": peer.partnerState = try reader.optionalString()
      case "partnerStateTime": peer.partnerStateTime = try reader.optionalDate()
      case "role": peer.role = try reader.optionalString()
      case "unackedUpdates": peer.unackedUpdates = try reader.optionalInt()
      default: try reader.skipValue()
      }
    }
    peer.name = try reader.required(name, "name")
    self = peer
  }
}

extension KeaStatus {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var result: Int?
    var relationships: [KeaRelationshipStatus]?
    var status = KeaStatus(result: 0)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "configuration":
        status.configuration = try reader.optional { reader throws(JSONSyntaxError) in
          try reader.readList(KeaHAConfiguration.init(reading:))
        }
      case "heartbeat": status.heartbeat = try reader.optional(KeaHeartbeat.init(reading:))
      case "pid": status.pid = try reader.optionalInt()
      case "relationships":
        relationships = try reader.readList(KeaRelationshipStatus.init(reading:))
      case "result": result = try reader.readInt()
      case "text": status.text = try reader.optionalString()
      case "uptime": status.uptime = try reader.optionalInt()
      default: try reader.skipValue()
      }
    }
    status.result = try reader.required(result, "result")
    status.relationships = try reader.required(relationships, "relationships")
    self = status
  }
}

extension KeaRelationshipStatus {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    self.init(mode: nil, local: nil, remote: nil)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "local": local = try reader.optional(KeaLocalServer.init(reading:))
      case "mode": mode = try reader.optionalString()
      case "remote": remote = try reader.optional(KeaRemoteServer.init(reading:))
      default: try reader.skipValue()
      }
    }
  }
}

extension KeaLocalServer {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    self.init(role: nil, scopes: nil, state: nil)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "role": role = try reader.optionalString()
      case "scopes": scopes = try reader.optionalStrings()
      case "serverName": serverName = try reader.optionalString()
      case "state": state = try reader.optionalString()
      case "systemTime": systemTime = try reader.optionalString()
      default: try reader.skipValue()
      }
    }
  }
}

extension KeaRemoteServer {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    self.init()
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "age": age = try reader.optionalInt()
      case "analyzedPackets": analyzedPackets = try reader.optionalInt()
      case "clockSkew": clockSkew = try reader.optionalInt()
      case "communicationInterrupted": communicationInterrupted = try reader.optionalBool()
      case "connectingClients": connectingClients = try reader.optionalInt()
      case "inTouch": inTouch = try reader.optionalBool()
      case "lastScopes": lastScopes = try reader.optionalStrings()
      case "lastState": lastState = try reader.optionalString()
      case "role": role = try reader.optionalString()
      case "serverName": serverName = try reader.optionalString()
      case "systemTime": systemTime = try reader.optionalString()
      case "unackedClients": unackedClients = try reader.optionalInt()
      case "unackedClientsLeft": unackedClientsLeft = try reader.optionalInt()
      default: try reader.skipValue()
      }
    }
  }
}

extension KeaHAConfiguration {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var peers: [KeaPeer]?
    var configuration = KeaHAConfiguration(thisServerName: nil, mode: nil, peers: [])
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "delayedUpdatesLimit": configuration.delayedUpdatesLimit = try reader.optionalInt()
      case "heartbeatDelay": configuration.heartbeatDelay = try reader.optionalInt()
      case "maxAckDelay": configuration.maxAckDelay = try reader.optionalInt()
      case "maxResponseDelay": configuration.maxResponseDelay = try reader.optionalInt()
      case "maxUnackedClients": configuration.maxUnackedClients = try reader.optionalInt()
      case "mode": configuration.mode = try reader.optionalString()
      case "peers": peers = try reader.readList(KeaPeer.init(reading:))
      case "thisServerName": configuration.thisServerName = try reader.optionalString()
      default: try reader.skipValue()
      }
    }
    configuration.peers = try reader.required(peers, "peers")
    self = configuration
  }
}

extension KeaPeer {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    var name: String?
    var peer = KeaPeer(name: "", role: nil, url: nil, autoFailover: nil)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "autoFailover": peer.autoFailover = try reader.optionalBool()
      case "name": name = try reader.readString()
      case "role": peer.role = try reader.optionalString()
      case "url": peer.url = try reader.optionalString()
      default: try reader.skipValue()
      }
    }
    peer.name = try reader.required(name, "name")
    self = peer
  }
}

extension KeaHeartbeat {
  init(reading reader: inout JSONPullReader) throws(JSONSyntaxError) {
    self.init(state: nil, scopes: nil, dateTime: nil, unsentUpdateCount: nil)
    try reader.readObject { reader, key throws(JSONSyntaxError) in
      switch key {
      case "dateTime": dateTime = try reader.optionalString()
      case "scopes": scopes = try reader.optionalStrings()
      case "state": state = try reader.optionalString()
      case "unsentUpdateCount": unsentUpdateCount = try reader.optionalInt()
      default: try reader.skipValue()
      }
    }
  }
}

/// The kinds of value the snapshot's types are made of, read as `JSONDecoder` reads them.
extension JSONPullReader {
  /// `null` as nil (as `decodeIfPresent` reads it), otherwise what `read` makes of the value.
  mutating func optional<Value>(
    _ read: (inout JSONPullReader) throws(JSONSyntaxError) -> Value
  ) throws(JSONSyntaxError) -> Value? {
    try readNull() ? nil : try read(&self)
  }

  mutating func optionalString() throws(JSONSyntaxError) -> String? {
    try optional { reader throws(JSONSyntaxError) in try reader.readString() }
  }

  mutating func optionalInt() throws(JSONSyntaxError) -> Int? {
    try optional { reader throws(JSONSyntaxError) in try reader.readInt() }
  }

  mutating func optionalBool() throws(JSONSyntaxError) -> Bool? {
    try optional { reader throws(JSONSyntaxError) in try reader.readBool() }
  }

  mutating func optionalDate() throws(JSONSyntaxError) -> Date? {
    try optional { reader throws(JSONSyntaxError) in try reader.readDate() }
  }

  mutating func optionalStrings() throws(JSONSyntaxError) -> [String]? {
    try optional { reader throws(JSONSyntaxError) in
      try reader.readList { reader throws(JSONSyntaxError) in try reader.readString() }
    }
  }

  mutating func readList<Element>(
    _ read: (inout JSONPullReader) throws(JSONSyntaxError) -> Element
  ) throws(JSONSyntaxError) -> [Element] {
    var elements: [Element] = []
    try readArray { reader throws(JSONSyntaxError) in elements.append(try read(&reader)) }
    return elements
  }

  mutating func readDate() throws(JSONSyntaxError) -> Date {
    let text = try readString()
    guard let date = Timestamp.date(iso: text) else {
      throw error(
        "expected a date in ISO 8601 (2026-11-22T02:15:18Z), found \"\(text.prefix(40))\"")
    }
    return date
  }

  mutating func readEnum<Value: RawRepresentable & CaseIterable>(_ type: Value.Type)
    throws(JSONSyntaxError) -> Value where Value.RawValue == String
  {
    let text = try readString()
    guard let value = Value(rawValue: text) else {
      let known = Value.allCases.map(\.rawValue).joined(separator: ", ")
      throw error("expected one of \(known), found \"\(text.prefix(40))\"")
    }
    return value
  }

  /// A member the type must have, once its object has been read.
  func required<Value>(_ value: Value?, _ key: String) throws(JSONSyntaxError) -> Value {
    guard let value else { throw missing(key) }
    return value
  }
}
