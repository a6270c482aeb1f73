import Foundation
import Hummingbird
import Logging
import NIOCore

/// Simulated appliances speaking Kea's real control API over real HTTP on 127.0.0.1.
///
/// All servers share one listening port and are told apart by the first path segment (Kea
/// ignores the path, so clients need nothing special). A server that must be unreachable gets
/// a URL on a port where nothing listens.
public final class Simulator: Sendable {
  /// How an inventory reaches one simulated server.
  public struct Endpoint: Sendable {
    public var name: String
    public var site: String
    public var url: String
    public var service: String
    public var credentials: SimulatedKeaServer.Credentials?
  }

  public let port: Int
  public let endpoints: [Endpoint]
  /// The EdgeConnect group it serves, if any.
  public let edgeConnect: SimulatedEdgeConnect?
  private let task: Task<Void, any Error>

  private init(
    port: Int, endpoints: [Endpoint], edgeConnect: SimulatedEdgeConnect?,
    task: Task<Void, any Error>
  ) {
    self.port = port
    self.endpoints = endpoints
    self.edgeConnect = edgeConnect
    self.task = task
  }

  /// An inventory of every simulated Kea server, one flow mapping per line (servers that want
  /// credentials would need them added).
  public var keaInventoryYAML: String {
    "appliances:\n"
      + endpoints.map { endpoint in
        "  - {name: \(endpoint.name), kind: kea, url: \"\(endpoint.url)\", service: \(endpoint.service), site: \(endpoint.site)}\n"
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

  /// Starts the simulator on a free loopback port with the given scenarios (and, when given,
  /// an EdgeConnect group).
  public static func start(_ scenarios: [Scenario], edgeConnect: SimulatedEdgeConnect? = nil)
    async throws -> Simulator
  {
    let state = SimulatorState(edgeConnect: edgeConnect)
    let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
    var configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
    configuration.serverName = "kea-simulator"
    var logger = Logger(label: "simulator")
    logger.logLevel = .critical
    let app = Application(
      responder: KeaAgentResponder(state: state), configuration: configuration,
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
    let closedPort = try FreePort.find()
    var servers: [SimulatedKeaServer] = []
    var endpoints: [Endpoint] = []
    for scenario in scenarios {
      let urls = Dictionary(
        scenario.servers.map { server in
          let url =
            server.behavior == .unreachable
            ? "http://127.0.0.1:\(closedPort)/\(server.path)/"
            : "http://127.0.0.1:\(port)/\(server.path)/"
          return (server.name, url)
        }, uniquingKeysWith: { first, _ in first })
      for var server in scenario.servers {
        for index in server.peers.indices {
          server.peers[index].url = urls[server.peers[index].name] ?? ""
        }
        servers.append(server)
        endpoints.append(
          Endpoint(
            name: server.name, site: scenario.site, url: urls[server.name] ?? "", service: "dhcp4",
            credentials: server.credentials))
      }
    }
    await state.install(servers)
    return Simulator(port: port, endpoints: endpoints, edgeConnect: edgeConnect, task: task)
  }

  /// Stops listening.
  public func stop() async {
    task.cancel()
    _ = await task.result
  }
}

public struct SimulatorError: Error, CustomStringConvertible, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}
