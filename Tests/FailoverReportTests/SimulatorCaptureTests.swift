import AsyncHTTPClient
import Foundation
import NIOCore
import Simulator
import Templating
import Testing

/// The simulator must answer exactly as the real Kea 2.2 Control Agent did in
/// `shared/lab/kea/captures`: same shape, field by field, and the same error bodies.
@Suite("Simulator answers like the Kea captures")
struct SimulatorCaptureTests {
  static let captures = TestSupport.shared.appendingPathComponent("lab/kea/captures")

  struct Reply {
    var status: Int
    var headers: [(String, String)]
    var json: TemplateValue
    var body: [UInt8]
  }

  static func post(
    _ client: HTTPClient, _ url: String, body: String, contentType: String = "application/json",
    authorization: String? = nil
  ) async throws -> Reply {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: contentType)
    if let authorization { request.headers.add(name: "Authorization", value: authorization) }
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await client.execute(request, timeout: .seconds(5))
    let buffer = try await response.body.collect(upTo: 1 << 20)
    let json = try TemplateValue(json: Array(buffer.readableBytesView))
    return Reply(
      status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
      json: json, body: Array(buffer.readableBytesView))
  }

  static func capture(_ path: String, in folder: URL = captures) throws -> TemplateValue {
    try TemplateValue(json: Array(try Data(contentsOf: folder.appendingPathComponent(path))))
  }

  /// The value with every object's keys sorted, so equality ignores key order.
  static func canonical(_ json: TemplateValue) -> TemplateValue {
    switch json {
    case .object(let object):
      return .object(
        TemplateObject(object.keys.sorted().map { ($0, canonical(object[$0] ?? .null)) }))
    case .list(let items): return .list(items.map(canonical))
    default: return json
    }
  }

  /// Every key path with the JSON type found there: `[].arguments.pid:number`.
  static func shape(_ json: TemplateValue, path: String = "") -> Set<String> {
    switch json {
    case .object(let object):
      var result: Set<String> = [path + ":object"]
      for key in object.keys {
        result.formUnion(shape(object[key] ?? .null, path: path + "." + key))
      }
      return result
    case .list(let items):
      var result: Set<String> = [path + ":array"]
      for item in items { result.formUnion(shape(item, path: path + "[]")) }
      return result
    case .string: return [path + ":string"]
    case .number: return [path + ":number"]
    case .bool: return [path + ":bool"]
    case .null: return [path + ":null"]
    }
  }

  static func value(_ json: TemplateValue, _ path: [String]) -> TemplateValue? {
    var current: TemplateValue? = json
    for key in path {
      switch current {
      case .list(let items) where key == "0": current = items.first
      case .object(let object): current = object[key]
      default: current = nil
      }
    }
    return current
  }

  static func url(_ simulator: Simulator, _ name: String) -> String {
    simulator.endpoints.first { $0.name == name }?.url ?? ""
  }

  static func basic(_ user: String, _ password: String) -> String {
    "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
  }

  @Test("status-get, config-get and ha-heartbeat have the captures' shape and values")
  func normalAnswers() async throws {
    try #require(FileManager.default.fileExists(atPath: Self.captures.path) || !TestSupport.isCI)
    guard FileManager.default.fileExists(atPath: Self.captures.path) else { return }
    let simulator = try await Simulator.start(Scenario.all)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
      let lb = Self.url(simulator, "dc1-kea-a")
      let status = try await Self.post(
        client, lb, body: #"{"command":"status-get","service":["dhcp4"]}"#)
      let captured = try Self.capture("lb/lb-normal.server1.status-get.json")
      #expect(status.status == 200)
      #expect(Self.shape(status.json) == Self.shape(captured))
      for path in [
        ["0", "result"], ["0", "arguments", "high-availability", "0", "ha-mode"],
        ["0", "arguments", "high-availability", "0", "ha-servers", "local", "role"],
        ["0", "arguments", "high-availability", "0", "ha-servers", "local", "state"],
        ["0", "arguments", "high-availability", "0", "ha-servers", "remote", "role"],
        ["0", "arguments", "high-availability", "0", "ha-servers", "remote", "last-state"],
        ["0", "arguments", "high-availability", "0", "ha-servers", "remote", "in-touch"],
        [
          "0", "arguments", "high-availability", "0", "ha-servers", "remote",
          "communication-interrupted",
        ],
        ["0", "arguments", "sockets", "status"], ["0", "arguments", "multi-threading-enabled"],
      ] {
        #expect(
          "\(Self.value(status.json, path) ?? "absent")"
            == "\(Self.value(captured, path) ?? "absent")",
          "\(path.joined(separator: "."))")
      }
      #expect(
        status.headers.contains {
          $0.0.lowercased() == "content-type" && $0.1 == "application/json"
        })

      let heartbeat = try await Self.post(
        client, lb, body: #"{"command":"ha-heartbeat","service":["dhcp4"]}"#)
      #expect(
        Self.shape(heartbeat.json)
          == Self.shape(try Self.capture("lb/lb-normal.server1.ha-heartbeat.json")))

      let auth = Self.basic("monitor", "demo-monitor-secret")
      let config = try await Self.post(
        client, Self.url(simulator, "dc2-kea-primary"),
        body: #"{"command":"config-get","service":["dhcp4"]}"#,
        authorization: auth)
      var libraries: [TemplateValue] = []
      if case .list(let items)? = Self.value(
        config.json, ["0", "arguments", "Dhcp4", "hooks-libraries"])
      {
        libraries = items
      }
      let ha = libraries.compactMap { Self.value($0, ["parameters", "high-availability"]) }.first
      let capturedHA = try Self.capture("hs/hs-normal.server1.config-get.ha-part.json")
      #expect(ha != nil)
      if let ha {
        #expect(
          Self.shape(ha) == Self.shape(Self.value(capturedHA, ["high-availability"]) ?? .null))
      }

      let backup = try await Self.post(
        client, Self.url(simulator, "dc2-kea-backup"),
        body: #"{"command":"status-get","service":["dhcp4"]}"#,
        authorization: auth)
      let capturedBackup = try Self.capture("hs/hs-normal.server3.status-get.json")
      #expect(Self.shape(backup.json) == Self.shape(capturedBackup))
    } catch {
      try? await client.shutdown()
      await simulator.stop()
      throw error
    }
    try await client.shutdown()
    await simulator.stop()
  }

  @Test("error answers are the captured bodies, with the captured HTTP status")
  func errorAnswers() async throws {
    guard FileManager.default.fileExists(atPath: Self.captures.path) else {
      #expect(!TestSupport.isCI, "shared/lab/kea/captures is missing")
      return
    }
    let simulator = try await Simulator.start(Scenario.all)
    let lb = Self.url(simulator, "dc1-kea-a")
    let cases: [(url: String, body: String, contentType: String, status: Int, capture: String)] = [
      (
        lb, #"{"command":"status-get","service":["dhcp4"]}"#, "application/x-www-form-urlencoded",
        400, "lb/err.form-content-type.json"
      ),
      (lb, "{not json", "application/json", 400, "lb/err.malformed-json.json"),
      (
        lb, #"{"command":"no-such-command","service":["dhcp4"]}"#, "application/json", 200,
        "lb/err.unknown-command.dhcp4.json"
      ),
      (
        lb, #"{"command":"status-get","service":["dhcp6"]}"#, "application/json", 200,
        "lb/err.service-not-configured.json"
      ),
      (lb, #"{"service":["dhcp4"]}"#, "application/json", 200, "lb/err.missing-command.json"),
      (
        Self.url(simulator, "dc4-kea-b"), #"{"command":"status-get","service":["dhcp4"]}"#,
        "application/json", 200, "lb/stopped.agent2.status-get.json"
      ),
      (
        Self.url(simulator, "dc2-kea-primary"), #"{"command":"status-get","service":["dhcp4"]}"#,
        "application/json", 401, "lb/auth.no-credentials.json"
      ),
    ]
    var failures: [String] = []
    defer { Task { await simulator.stop() } }
    try await TestSupport.withHTTPClient { client in
      for item in cases {
        let reply = try await Self.post(
          client, item.url, body: item.body, contentType: item.contentType)
        let expected = try Self.capture(item.capture)
        if reply.status != item.status { failures.append("\(item.capture): HTTP \(reply.status)") }
        if Self.canonical(reply.json) != Self.canonical(expected) {
          failures.append("\(item.capture): \(reply.json)")
        }
        if item.status == 401 {
          #expect(
            reply.headers.contains {
              $0.0.lowercased() == "www-authenticate" && $0.1.hasPrefix("Basic realm=")
            })
        }
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }
}
