import Foundation
import Hummingbird
import NIOCore

/// An EdgeConnect DHCP failover group behind HTTPS-style JSON endpoints, for the demo and the
/// tests: the "DHCP Failover State" rows (the configurable source, as a site might serve the
/// Orchestrator's table) and each appliance's documented `GET /deployment` with its
/// `dhcpFailover` block. Both want the API key in `X-Auth-Token`.
public struct SimulatedEdgeConnect: Sendable {
  public struct Member: Sendable {
    public var appliance: String
    public var role: String
    public var myState: String
    public var partnerState: String
  }

  public var group: String
  public var site: String
  public var members: [Member]
  public var mclt: Int
  /// When both members entered their states.
  public var since: Date
  public var apiKey: String

  /// The demo's group: two appliances in Normal.
  public static func demo(now: Date) -> SimulatedEdgeConnect {
    SimulatedEdgeConnect(
      group: "LAN1", site: "DC10",
      members: [
        Member(
          appliance: "dc10-edge-1", role: "primary", myState: "Normal", partnerState: "Normal"),
        Member(
          appliance: "dc10-edge-2", role: "secondary", myState: "Normal", partnerState: "Normal"),
      ], mclt: 3600, since: now.addingTimeInterval(-86_400 * 3), apiKey: "demo-edge-key")
  }

  /// Answers `GET /edgeconnect/dhcp-failover-state` and `GET /edgeconnect/APPLIANCE/deployment`.
  func respond(to request: Request) -> Response {
    let key = request.headers.first { $0.name.canonicalName == "x-auth-token" }?.value
    guard key == apiKey else {
      return Self.reply(.unauthorized, .object(["error": .string("invalid or missing API key")]))
    }
    guard request.method == .get else {
      return Self.reply(.methodNotAllowed, .object(["error": .string("GET only")]))
    }
    let segments = request.uri.path.split(separator: "/").map(String.init)
    if segments == ["edgeconnect", "dhcp-failover-state"] {
      // Times in both forms an API might use: ISO 8601 text and Unix seconds.
      let rows: [WireJSON] = members.map { member in
        .object([
          "appliance": .string(member.appliance), "failoverGroupName": .string(group),
          "myState": .string(member.myState),
          "myStateTime": .string(ISO8601DateFormatter().string(from: since)),
          "partnerState": .string(member.partnerState),
          "partnerStateTime": .int(Int(since.timeIntervalSince1970)),
          "mclt": .int(mclt),
        ])
      }
      return Self.reply(.ok, .object(["rows": .array(rows)]))
    }
    if segments.count == 3, segments[0] == "edgeconnect", segments[2] == "deployment",
      let member = members.first(where: { $0.appliance == segments[1] })
    {
      let index = members.firstIndex { $0.appliance == member.appliance } ?? 0
      let partner = members[(index + 1) % members.count]
      return Self.reply(
        .ok,
        .object([
          "sysConfig": .object(["hostName": .string(member.appliance)]),
          "dhcpFailover": .object([
            "role": .string(member.role), "myIp": .string("192.0.2.\(10 + index)"),
            "myPort": .int(647 + index * 200),
            "peerIp": .string("192.0.2.\(10 + (index + 1) % members.count)"),
            "peerPort": .int(647 + ((index + 1) % members.count) * 200), "mclt": .int(mclt),
            "split": .int(128), "max_resp_delay": .int(60), "max_unack_updates": .int(10),
            "load_bal_max": .int(3), "peerName": .string(partner.appliance),
          ]),
        ]))
    }
    return Self.reply(.notFound, .object(["error": .string("no such resource")]))
  }

  static func reply(_ status: HTTPResponse.Status, _ json: WireJSON) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: json.text)))
  }
}
