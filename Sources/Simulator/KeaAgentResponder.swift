import Foundation
import Hummingbird
import NIOCore

/// Answers HTTP like a Kea Control Agent: POST of a JSON command, `Content-Type:
/// application/json` required, basic auth when configured, replies wrapped in a list; or,
/// for a server with its own control socket, like the Kea 3.0 daemon itself.
struct KeaAgentResponder: HTTPResponder {
  typealias Context = BasicRequestContext
  let state: SimulatorState

  func respond(to request: Request, context: Context) async throws -> Response {
    let segment = request.uri.path.split(separator: "/").first.map(String.init) ?? ""
    if segment == "edgeconnect", let edgeConnect = state.edgeConnect {
      return edgeConnect.respond(to: request)
    }
    guard let server = await state.server(at: segment) else {
      return Self.reply(.notFound, ["result": 404, "text": "Not Found"])
    }
    if case .hostile(let hostility) = server.behavior {
      return hostility.response(for: server)
    }
    if server.behavior == .silent {
      try await Self.holdConnection()
    }
    if let credentials = server.credentials {
      let expected =
        "Basic "
        + Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
      guard request.headers[.authorization] == expected else {
        var response = Self.reply(.unauthorized, KeaAnswers.unauthorized)
        response.headers[.wwwAuthenticate] = "Basic realm=\"kea-simulator\""
        return response
      }
    }
    guard request.method == .post,
      request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true
    else { return Self.reply(.badRequest, KeaAnswers.badRequest) }
    let body = try await request.body.collect(upTo: 1 << 20)
    guard let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
    else {
      return Self.reply(.badRequest, KeaAnswers.badRequest)
    }
    guard let command = json["command"] as? String else {
      return Self.reply(
        .ok,
        server.controlSocket == .daemon ? KeaAnswers.missingCommand30 : KeaAnswers.missingCommand)
    }
    switch server.behavior {
    case .ignores(let commands) where commands.contains(command):
      try await Self.holdConnection()
    case .refuses(let commands) where commands.contains(command):
      return Self.reply(.ok, KeaAnswers.forbidden(command))
    case .slow(let commands, let seconds) where commands.contains(command):
      try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    default: break
    }
    // Kea 3.0.4's own socket ignores `service`, whatever it names, and answers for itself.
    if server.controlSocket == .daemon {
      return Self.reply(.ok, await state.answer(command, for: segment))
    }
    let services = json["service"] as? [String]
    guard let services, !services.isEmpty else {
      if command == "status-get" {
        return Self.reply(.ok, KeaAnswers.agentStatus(uptime: await state.uptime()))
      }
      return Self.reply(.ok, KeaAnswers.notSupported(command))
    }
    var answers: [WireJSON] = []
    for service in services {
      guard service == "dhcp4" else {
        answers.append(contentsOf: Self.items(KeaAnswers.serviceNotConfigured(service)))
        continue
      }
      answers.append(contentsOf: Self.items(await state.answer(command, for: segment)))
    }
    return Self.reply(.ok, .array(answers))
  }

  /// Never answers: holds the connection until the client gives up or the simulator stops.
  private static func holdConnection() async throws {
    try await Task.sleep(nanoseconds: 3_600_000_000_000)
  }

  private static func items(_ json: WireJSON) -> [WireJSON] {
    if case .array(let items) = json { return items }
    return [json]
  }

  static func reply(_ status: HTTPResponse.Status, _ json: WireJSON) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: json.text)))
  }
}

/// The simulated servers and their changing state, shared by every request.
actor SimulatorState {
  private var servers: [String: SimulatedKeaServer] = [:]
  private let started = Date()
  /// Fixed before the server starts, so read without the actor.
  nonisolated let edgeConnect: SimulatedEdgeConnect?

  init(edgeConnect: SimulatedEdgeConnect?) {
    self.edgeConnect = edgeConnect
  }

  func install(_ list: [SimulatedKeaServer]) {
    for server in list { servers[server.path] = server }
  }

  func server(at path: String) -> SimulatedKeaServer? {
    guard let server = servers[path], server.behavior != .unreachable else { return nil }
    return server
  }

  func uptime() -> Int { max(1, Int(Date().timeIntervalSince(started))) }

  /// The answer to `command`, advancing the server's counters as a live Kea's would move.
  func answer(_ command: String, for path: String) -> WireJSON {
    guard var server = servers[path] else { return KeaAnswers.notSupported(command) }
    if server.behavior == .daemonDown { return KeaAnswers.daemonDown(service: "dhcp4") }
    switch command {
    case "status-get":
      let answer = KeaAnswers.statusGet(server, uptime: uptime())
      if server.countsUnackedClients, var remote = server.remote,
        remote.unackedClients < server.timers.maxUnackedClients
      {
        remote.unackedClients += 1
        remote.connectingClients += 2
        remote.analyzedPackets += 3
        remote.unackedClientsLeft = server.timers.maxUnackedClients - remote.unackedClients + 1
        remote.age += 1
        server.remote = remote
        servers[path] = server
      }
      return answer
    case "config-get": return KeaAnswers.configGet(server)
    case "ha-heartbeat": return KeaAnswers.heartbeat(server, now: Date())
    default: return KeaAnswers.notSupported(command)
    }
  }
}
