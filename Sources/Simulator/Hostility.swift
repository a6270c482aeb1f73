import Foundation
import Hummingbird
import NIOCore

/// Ways a broken or compromised appliance answers, for the tests that make sure one such
/// appliance degrades only itself.
public enum Hostility: String, Sendable, CaseIterable {
  case notJSON = "not-json"
  case htmlErrorPage = "html-error-page"
  case truncatedJSON = "truncated-json"
  case hugeBody = "huge-body"
  case oneBytePerSecond = "one-byte-per-second"
  case wrongContentType = "wrong-content-type"
  case http500 = "http-500"
  case http401 = "http-401"
  case http404 = "http-404"
  case result1 = "result-1"
  case result2 = "result-2"
  case result3 = "result-3"
  case wrongTypes = "wrong-types"
  case hugeNumbers = "huge-numbers"
  case oddTimestamps = "odd-timestamps"
  case markup = "markup"
  case manyRelationships = "many-relationships"
  case connectionReset = "connection-reset"
  case duplicateServerNames = "duplicate-server-names"

  /// Text meant to break out of HTML, JSON or a log line if anything ever failed to escape it.
  public static let markupText =
    "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&amp;\n\u{202E}evil\u{202C} 😀"

  /// The answer to any command.
  func response(for server: SimulatedKeaServer) -> Response {
    switch self {
    case .notJSON: return Self.raw(.ok, "application/json", "this is not JSON at all")
    case .htmlErrorPage:
      return Self.raw(
        .badGateway, "text/html",
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><script>alert(1)</script></body></html>"
      )
    case .truncatedJSON:
      return Self.raw(
        .ok, "application/json", #"[{"arguments": {"high-availability": [{"ha-mode": "load-bal"#)
    case .hugeBody:
      // 50 MB of a valid-looking JSON string: the size cap must stop it, not memory.
      let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1 << 20)
      return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody { writer in
          try await writer.write(ByteBuffer(string: #"[{"text": ""#))
          for _ in 0..<50 { try await writer.write(chunk) }
          try await writer.write(ByteBuffer(string: #""}]"#))
          try await writer.finish(nil)
        })
    case .oneBytePerSecond:
      let body = KeaAnswers.statusGet(server, uptime: 1).text
      return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody { writer in
          for byte in body.utf8 {
            try await writer.write(ByteBuffer(bytes: [byte]))
            try await Task.sleep(nanoseconds: 1_000_000_000)
          }
          try await writer.finish(nil)
        })
    case .wrongContentType:
      return Self.raw(.ok, "text/plain", KeaAnswers.statusGet(server, uptime: 1).text)
    case .http500: return Self.raw(.internalServerError, "text/plain", "Internal Server Error")
    case .http401:
      return Self.raw(
        .unauthorized, "application/json", #"{"result": 401, "text": "Unauthorized"}"#)
    case .http404: return Self.raw(.notFound, "text/html", "<h1>Not Found</h1>")
    case .result1, .result2, .result3:
      let code = self == .result1 ? 1 : self == .result2 ? 2 : 3
      return Self.raw(
        .ok, "application/json",
        #"[{"result": \#(code), "text": "refused by the server: \#(Self.escaped(Self.markupText))"}]"#
      )
    case .wrongTypes:
      return Self.raw(
        .ok, "application/json",
        #"[{"result": "0", "arguments": {"high-availability": {"ha-mode": 7, "ha-servers": [true, null]}, "pid": "x"}}]"#
      )
    case .hugeNumbers:
      var status = server
      status.remote?.age = Int.max
      status.remote?.unackedClients = -5
      status.remote?.connectingClients = Int.min
      status.remote?.analyzedPackets = Int.max
      return Self.raw(
        .ok, "application/json",
        KeaAnswers.statusGet(status, uptime: Int.max).text.replacingOccurrences(
          of: "\"uptime\": ", with: "\"uptime\": 1e308, \"x\": "))
    case .oddTimestamps:
      // Its clock 300 years ahead, its partner last seen 500 years from now (a negative age).
      var status = server
      status.clockOffset = 86_400 * 365 * 300
      status.remote?.age = -86_400 * 365 * 500
      return Self.raw(.ok, "application/json", KeaAnswers.statusGet(status, uptime: -1).text)
    case .markup:
      var status = server
      status.state = Self.markupText
      status.scopes = [Self.markupText, "‮\u{202E}rtl", "😀"]
      status.mode = Self.markupText
      status.remote?.lastState = Self.markupText
      status.remote?.lastScopes = [Self.markupText]
      return Self.raw(.ok, "application/json", KeaAnswers.statusGet(status, uptime: 1).text)
    case .manyRelationships:
      return Self.raw(
        .ok, "application/json",
        Self.statusGet(server) { Array(repeating: $0, count: 10_000) })
    case .connectionReset:
      // Part of an answer, then the connection drops (the handler fails mid-body).
      return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody { writer in
          try await writer.write(ByteBuffer(string: #"[{"result": 0, "argu"#))
          throw CancellationError()
        })
    case .duplicateServerNames:
      // The partner given the server's own name, in the same relationship listed twice.
      var text = Self.statusGet(server) { [$0, $0] }
      if let partner = server.peers.first(where: { $0.name != server.name })?.name {
        text = text.replacingOccurrences(of: "\"\(partner)\"", with: "\"\(server.name)\"")
      }
      return Self.raw(.ok, "application/json", text)
    }
  }

  /// status-get's answer text with its list of relationships replaced by
  /// `relationships(first)`.
  private static func statusGet(
    _ server: SimulatedKeaServer, relationships: (WireJSON) -> [WireJSON]
  ) -> String {
    guard case .array(let items) = KeaAnswers.statusGet(server, uptime: 1),
      case .object(var first)? = items.first, case .object(var arguments)? = first["arguments"],
      case .array(let listed)? = arguments["high-availability"], let relationship = listed.first
    else { return "[]" }
    arguments["high-availability"] = .array(relationships(relationship))
    first["arguments"] = .object(arguments)
    return WireJSON.array([.object(first)]).text
  }

  private static func escaped(_ text: String) -> String {
    let json = WireJSON.string(text).text
    return String(json.dropFirst().dropLast())
  }

  private static func raw(_ status: HTTPResponse.Status, _ type: String, _ body: String) -> Response
  {
    Response(
      status: status, headers: [.contentType: type],
      body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
  }
}
