import Foundation
import Hummingbird
import Logging
import NIOCore

/// Simulated appliances speaking Kea's real control API over real HTTP on 127.0.0.1.
///
/// Servers share a listening port (by default one for all) and are told apart by the first
/// path segment (Kea ignores the path, so clients need nothing special). A server that must be
/// unreachable gets a URL on a port where nothing listens.
public final class Simulator: Sendable {
  /// How an inventory reaches one simulated server.
  public struct Endpoint: Sendable {
    public var name: String
    public var site: String
    public var url: String
    /// The Control Agent service to name; nil for a daemon's own socket.
    public var service: String?
    public var credentials: SimulatedKeaServer.Credentials?
  }

  /// The first listening port (the EdgeConnect group's).
  public var port: Int { ports[0] }
  /// Every listening port; servers are spread over them in turn.
  public let ports: [Int]
  public let endpoints: [Endpoint]
  /// The EdgeConnect group it serves, if any.
  public let edgeConnect: SimulatedEdgeConnect?
  private let tasks: [Task<Void, any Error>]

  private init(
    ports: [Int], endpoints: [Endpoint], edgeConnect: SimulatedEdgeConnect?,
    tasks: [Task<Void, any Error>]
  ) {
    self.ports = ports
    self.endpoints = endpoints
    self.edgeConnect = edgeConnect
    self.tasks = tasks
  }

  /// An inventory of every simulated Kea server, one flow mapping per line (servers that want
  /// credentials would need them added).
  public var keaInventoryYAML: String {
    "appliances:\n"
      + endpoints.map { endpoint in
        "  - {name: \(endpoint.name), kind: kea, url: \"\(endpoint.url)\", \(endpoint.service.map { "service: \($0), " } ?? "")site: \(endpoint.site)}\n"
      }.joined()
  }

  /// Where the EdgeConnect group's failover-state rows are served.
  public var edgeConnectStateURL: String {
    "http://127.0.0.1:\(port)/edgeconnect/dhcp-failover-state"
  }

  /// An EdgeConnect appliance's `GET /deployment` URL.
  public func edgeConnectDeploymentURL(_ appliance: String) -> String {
    "http://127.0.0.1:\(port)/edgeconnect/\(appliance)/deployment"
  }

  /// Starts the simulator on free loopback ports with the given scenarios (and, when given,
  /// an EdgeConnect group). `listeners` spreads the servers over that many ports: a client
  /// keeps one connection pool per host and port, and real appliances each have their own
  /// address, so a large fleet behind a single port would measure the client's pool
  /// bookkeeping for thousands of connections to one host instead of the fleet.
  public static func start(
    _ scenarios: [Scenario], edgeConnect: SimulatedEdgeConnect? = nil, listeners: Int = 1
  ) async throws -> Simulator {
    let state = SimulatorState(edgeConnect: edgeConnect)
    var ports: [Int] = []
    var tasks: [Task<Void, any Error>] = []
    for _ in 0..<max(1, listeners) {
      let (port, task) = try await listen(KeaAgentResponder(state: state))
      ports.append(port)
      tasks.append(task)
    }
    let closedPort = try FreePort.find()
    var servers: [SimulatedKeaServer] = []
    var endpoints: [Endpoint] = []
    var served = 0
    for scenario in scenarios {
      let urls = Dictionary(
        scenario.servers.map { server in
          if server.behavior == .unreachable {
            return (server.name, "http://127.0.0.1:\(closedPort)/\(server.path)/")
          }
          defer { served += 1 }
          return (server.name, "http://127.0.0.1:\(ports[served % ports.count])/\(server.path)/")
        }, uniquingKeysWith: { first, _ in first })
      for var server in scenario.servers {
        for index in server.peers.indices {
          server.peers[index].url = urls[server.peers[index].name] ?? ""
        }
        servers.append(server)
        endpoints.append(
          Endpoint(
            name: server.name, site: scenario.site, url: urls[server.name] ?? "",
            service: server.controlSocket == .agent ? "dhcp4" : nil,
            credentials: server.credentials))
      }
    }
    await state.install(servers)
    return Simulator(ports: ports, endpoints: endpoints, edgeConnect: edgeConnect, tasks: tasks)
  }

  /// One listening socket on a free loopback port, answering with `responder`.
  private static func listen(_ responder: KeaAgentResponder) async throws -> (
    Int, Task<Void, any Error>
  ) {
    let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
    var configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
    configuration.serverName = "kea-simulator"
    // Many simulated servers share this one listening socket, where real appliances each have
    // their own: with the default queue of 256 pending connections, a run asking 2,000 servers
    // at once had most of its connections wait a second or more for a retransmitted handshake.
    configuration.backlog = 4096
    var logger = Logger(label: "simulator")
    logger.logLevel = .critical
    let app = Application(
      responder: responder, configuration: configuration,
      onServerRunning: { channel in
        portContinuation.yield(channel.localAddress?.port ?? 0)
        portContinuation.finish()
      }, logger: logger)
    let task = Task { try await app.run() }
    var port = 0
    for await value in portStream {
      port = value
      break
    }
    guard port > 0 else {
      task.cancel()
      throw SimulatorError("the simulator could not listen on 127.0.0.1")
    }
    return (port, task)
  }

  /// Stops listening.
  public func stop() async {
    for task in tasks { task.cancel() }
    for task in tasks { _ = await task.result }
  }
}

public struct SimulatorError: Error, CustomStringConvertible, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}
