import Foundation
import Snapshot
import Testing

/// `Snapshot.encodedJSON()` writes the snapshot by hand; `snapshot.json`, the copy embedded in
/// the page and `render --snapshot` rely on it being exactly what Foundation's encoder
/// (`Snapshot.makeEncoder()`) writes, and on it leaving no property out.
@Suite("Snapshot JSON")
struct SnapshotJSONTests {
  static func snapshot(appliances count: Int) throws -> Snapshot {
    let now = Date(timeIntervalSince1970: 1_795_300_000)
    var observations: [ApplianceObservation] = []
    let captures = FileManager.default.fileExists(atPath: KeaCaptureDecodingTests.captures.path)
    for index in 0..<count {
      var observation: ApplianceObservation
      if captures, index % 3 != 2 {
        observation = try KeaCaptureDecodingTests.observation(
          "server\(index % 2 + 1)", file: "lb/lb-normal.server\(index % 2 + 1).status-get.json",
          config: "lb/lb-normal.server\(index % 2 + 1).config-get.json", askedAt: now)
        observation.exchanges = [
          RawExchange(
            command: "status-get", httpStatus: 200, body: "{\"text\": \"é \\\" </script>\"}",
            truncated: false)
        ]
      } else {
        observation = ApplianceObservation(
          name: "gone-\(index)", kind: .kea, site: "dc \(index)", endpoint: "http://127.0.0.1:9/",
          service: "dhcp4", askedAt: now, durationMilliseconds: 2000,
          failure: CollectionFailure(.timeout, "no answer within 2 s"))
      }
      observation.name += "-\(index)"
      observations.append(observation)
    }
    return Snapshot(
      generator: "test", collectedAt: now, durationMilliseconds: 2100, inventoryDigest: "abc",
      appliances: observations)
  }

  @Test("the same bytes as Foundation's encoder on lab answers", arguments: [0, 1, 2, 3, 17])
  func labAnswers(appliances: Int) throws {
    let snapshot = try Self.snapshot(appliances: appliances)
    let reference = Array(try Snapshot.makeEncoder().encode(snapshot))
    #expect(snapshot.encodedJSON() == reference)
    let decoded = try Snapshot.makeDecoder().decode(Snapshot.self, from: Data(reference))
    #expect(decoded == snapshot)
  }

  @Test("the same bytes as Foundation's encoder on random snapshots", arguments: 0..<40)
  func randomSnapshots(seed: Int) throws {
    var random = SplitMix64(seed: UInt64(seed))
    let snapshot = RandomSnapshot.make(using: &random)
    let reference = Array(try Snapshot.makeEncoder().encode(snapshot))
    let written = snapshot.encodedJSON()
    if written != reference {
      let first =
        zip(written, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(written.count, reference.count)
      let around = { (bytes: [UInt8]) in
        String(decoding: bytes[max(0, first - 60)..<min(bytes.count, first + 60)], as: UTF8.self)
      }
      Issue.record(
        "seed \(seed): first difference at byte \(first):\n\(around(written))\n\(around(reference))"
      )
    }
  }

  @Test(
    "every control character, quote, backslash, slash and non-ASCII text as Foundation writes them")
  func everyCharacter() throws {
    var text = ""
    for value in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
    text += "é€😀\u{2028}\u{2029}\u{85}\u{FEFF}\u{FFFD}\u{202E}"
    var snapshot = Snapshot(
      generator: text, collectedAt: Date(timeIntervalSince1970: -1), durationMilliseconds: .min,
      inventoryDigest: "", appliances: [])
    snapshot.format = .max
    #expect(snapshot.encodedJSON() == Array(try Snapshot.makeEncoder().encode(snapshot)))
  }

  /// A snapshot with every optional set: each struct's JSON object must hold exactly its
  /// stored properties, so a property added to a snapshot type and not to its writer fails
  /// here (and so does one the sample leaves nil, so the sample keeps up too).
  @Test("every stored property of every snapshot type is written")
  func everyProperty() throws {
    var random = SplitMix64(seed: 7)
    let snapshot = RandomSnapshot.make(using: &random, everything: true)
    let json = try JSONSerialization.jsonObject(with: Data(snapshot.encodedJSON()))
    var visited: Set<String> = []
    Self.compare(snapshot, json, path: "snapshot", visited: &visited)
    #expect(
      visited.isSuperset(of: [
        "Snapshot", "ApplianceObservation", "CollectionFailure", "RawExchange",
        "FailoverPeerStatus", "KeaStatus", "KeaRelationshipStatus", "KeaLocalServer",
        "KeaRemoteServer", "KeaHAConfiguration", "KeaPeer", "KeaHeartbeat", "UnansweredCommand",
        "RegionReport", "JudgingThresholds",
      ]), "visited \(visited.sorted())")
  }

  private static func compare(_ value: Any, _ json: Any, path: String, visited: inout Set<String>) {
    if value is String || value is Date || value is Int || value is Bool { return }
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional:
      guard let wrapped = mirror.children.first?.value else {
        Issue.record("\(path) is nil in the full sample")
        return
      }
      compare(wrapped, json, path: path, visited: &visited)
    case .collection:
      guard let elements = json as? [Any], elements.count == mirror.children.count else {
        Issue.record("\(path): the array differs")
        return
      }
      #expect(!elements.isEmpty, "\(path) is empty in the full sample")
      for (index, (element, written)) in zip(mirror.children, elements).enumerated() {
        compare(element.value, written, path: "\(path)[\(index)]", visited: &visited)
      }
    case .struct:
      visited.insert(String(describing: type(of: value)))
      guard let object = json as? [String: Any] else {
        Issue.record("\(path) is not written as an object")
        return
      }
      let labels = mirror.children.compactMap(\.label)
      #expect(
        Set(object.keys) == Set(labels),
        "\(path): written \(object.keys.sorted()), stored \(labels.sorted())")
      for child in mirror.children {
        guard let label = child.label, let written = object[label] else { continue }
        compare(child.value, written, path: "\(path).\(label)", visited: &visited)
      }
    default:
      return  // enums with raw values, written as their raw value
    }
  }
}

/// Snapshots of every shape, with text that needs escaping and numbers at the edges.
enum RandomSnapshot {
  static func make(using random: inout SplitMix64, everything: Bool = false) -> Snapshot {
    var maker = Maker(random: random, everything: everything)
    let count = everything ? 3 : Int.random(in: 0...6, using: &maker.random)
    let appliances = (0..<count).map { _ in maker.observation() }
    var snapshot = Snapshot(
      generator: maker.text(), collectedAt: maker.date(), durationMilliseconds: maker.number(),
      inventoryDigest: maker.text(), appliances: appliances,
      regions: maker.maybe { $0.list { $0.region() } })
    snapshot.format = maker.number()
    snapshot.judging = maker.maybe { $0.judging() }
    snapshot.acknowledgements = maker.maybe { $0.acknowledgements() }
    snapshot.pseudonymized = maker.maybe { $0.number() % 2 == 0 }
    random = maker.random
    return snapshot
  }

  private struct Maker {
    var random: SplitMix64
    let everything: Bool

    static let pieces = [
      "", "a", "server1", "/", "\\", "\"", "\n", "\r\t", "\u{0}", "\u{1F}", "\u{7F}", "<", ">",
      "&", "é", "€", "😀", "\u{2028}", "\u{2029}", "\u{202E}", "{\"a\": [1, 2]}", " ",
      "http://127.0.0.1:8000/", "dhcp4", "***",
    ]

    mutating func text() -> String {
      (0..<Int.random(in: 0...5, using: &random)).map { _ in
        Self.pieces.randomElement(using: &random) ?? ""
      }.joined()
    }

    mutating func number() -> Int {
      [0, 1, -1, 7, 10, 99, 100, 1_000_000, -123_456_789, .max, .min].randomElement(
        using: &random) ?? 0
    }

    mutating func date() -> Date {
      Date(
        timeIntervalSince1970: Double(
          Int.random(in: -2_000_000_000...4_000_000_000, using: &random)))
    }

    mutating func flag() -> Bool { Bool.random(using: &random) }

    /// Nil half of the time, unless the sample must hold everything.
    mutating func maybe<Value>(_ make: (inout Maker) -> Value) -> Value? {
      everything || flag() ? make(&self) : nil
    }

    mutating func list<Value>(_ make: (inout Maker) -> Value) -> [Value] {
      (0..<(everything ? 2 : Int.random(in: 0...3, using: &random))).map { _ in make(&self) }
    }

    mutating func observation() -> ApplianceObservation {
      var observation = ApplianceObservation(
        name: text(), kind: ApplianceKind.allCases.randomElement(using: &random) ?? .kea,
        site: maybe { $0.text() }, endpoint: text(), service: maybe { $0.text() }, askedAt: date(),
        durationMilliseconds: number(),
        failure: maybe { $0.failure() },
        kea: maybe { $0.kea() }, failoverPeers: maybe { $0.list { $0.peer() } },
        exchanges: list {
          RawExchange(
            command: $0.text(), httpStatus: $0.maybe { $0.number() }, body: $0.text(),
            truncated: $0.flag())
        },
        unanswered: maybe {
          $0.list { UnansweredCommand(command: $0.text(), failure: $0.failure()) }
        })
      observation.durationMilliseconds = number()
      observation.region = maybe { $0.text() }
      observation.identity = maybe { maker in
        ApplianceIdentity(
          serverNames: maker.list { $0.text() },
          source: ApplianceIdentity.Source.allCases.randomElement(using: &maker.random)
            ?? .inventory,
          seenAt: maker.maybe { $0.date() }, peerURLs: maker.maybe { $0.list { $0.text() } })
      }
      return observation
    }

    mutating func region() -> RegionReport {
      var region = RegionReport(
        name: text(), source: text(),
        status: RegionReport.Status.allCases.randomElement(using: &random) ?? .fresh,
        problem: maybe { $0.text() }, collectedAt: maybe { $0.date() },
        generator: maybe { $0.text() }, snapshotDigest: maybe { $0.text() },
        maximumAgeSeconds: number(), intervalsSeconds: list { $0.number() })
      region.judging = maybe { $0.judging() }
      return region
    }

    mutating func acknowledgements() -> Acknowledgements {
      Acknowledgements(
        file: text(),
        acknowledgements: list { maker in
          Acknowledgement(
            line: maker.number(), appliances: maker.list { $0.text() },
            relationship: maker.maybe { $0.text() }, site: maker.maybe { $0.text() },
            by: maker.text(), reason: maker.text(), ticket: maker.maybe { $0.text() },
            until: maker.date(), upTo: maker.text())
        },
        maintenance: list { maker in
          MaintenanceWindow(
            line: maker.number(), appliances: maker.list { $0.text() },
            sites: maker.list { $0.text() }, from: maker.date(), until: maker.date(),
            reason: maker.text())
        })
    }

    mutating func judging() -> JudgingThresholds {
      JudgingThresholds(
        interruptedCriticalAfter: maybe { $0.number() },
        transitionCriticalAfter: maybe { $0.number() }, recoverWaitGrace: maybe { $0.number() })
    }

    mutating func failure() -> CollectionFailure {
      CollectionFailure(
        CollectionFailure.Kind.allCases.randomElement(using: &random) ?? .timeout, text())
    }

    mutating func peer() -> FailoverPeerStatus {
      var peer = FailoverPeerStatus(
        name: text(), role: maybe { $0.text() }, myState: maybe { $0.text() },
        myStateTime: maybe { $0.date() }, partnerState: maybe { $0.text() },
        partnerStateTime: maybe { $0.date() }, mclt: maybe { $0.number() })
      peer.maxResponseDelay = maybe { $0.number() }
      peer.unackedUpdates = maybe { $0.number() }
      peer.appliance = maybe { $0.text() }
      return peer
    }

    mutating func kea() -> KeaStatus {
      KeaStatus(
        result: number(), text: maybe { $0.text() }, pid: maybe { $0.number() },
        uptime: maybe { $0.number() },
        relationships: list {
          KeaRelationshipStatus(
            mode: $0.maybe { $0.text() },
            local: $0.maybe {
              KeaLocalServer(
                role: $0.maybe { $0.text() }, scopes: $0.maybe { $0.list { $0.text() } },
                state: $0.maybe { $0.text() }, serverName: $0.maybe { $0.text() },
                systemTime: $0.maybe { $0.text() })
            },
            remote: $0.maybe { $0.remote() })
        },
        configuration: maybe {
          $0.list {
            KeaHAConfiguration(
              thisServerName: $0.maybe { $0.text() }, mode: $0.maybe { $0.text() },
              heartbeatDelay: $0.maybe { $0.number() }, maxResponseDelay: $0.maybe { $0.number() },
              maxAckDelay: $0.maybe { $0.number() }, maxUnackedClients: $0.maybe { $0.number() },
              delayedUpdatesLimit: $0.maybe { $0.number() },
              peers: $0.list {
                KeaPeer(
                  name: $0.text(), role: $0.maybe { $0.text() }, url: $0.maybe { $0.text() },
                  autoFailover: $0.maybe { $0.flag() })
              })
          }
        },
        heartbeat: maybe {
          KeaHeartbeat(
            state: $0.maybe { $0.text() }, scopes: $0.maybe { $0.list { $0.text() } },
            dateTime: $0.maybe { $0.text() }, unsentUpdateCount: $0.maybe { $0.number() })
        })
    }

    mutating func remote() -> KeaRemoteServer {
      KeaRemoteServer(
        age: maybe { $0.number() }, inTouch: maybe { $0.flag() },
        lastScopes: maybe { $0.list { $0.text() } }, lastState: maybe { $0.text() },
        role: maybe { $0.text() }, serverName: maybe { $0.text() },
        communicationInterrupted: maybe { $0.flag() }, connectingClients: maybe { $0.number() },
        unackedClients: maybe { $0.number() }, unackedClientsLeft: maybe { $0.number() },
        analyzedPackets: maybe { $0.number() }, clockSkew: maybe { $0.number() },
        systemTime: maybe { $0.text() })
    }
  }
}
