/// One relationship the simulator plays, with every server in it.
public struct Scenario: Sendable {
  /// Short name, used with `demo --scenario` and as a URL path prefix.
  public var name: String
  /// What it shows, in a sentence.
  public var summary: String
  /// Site label for grouping on the page.
  public var site: String
  public var servers: [SimulatedKeaServer]

  public init(name: String, summary: String, site: String, servers: [SimulatedKeaServer]) {
    self.name = name
    self.summary = summary
    self.site = site
    self.servers = servers
  }
}

extension Scenario {
  /// Every built-in scenario, in the order the demo shows them.
  public static let all: [Scenario] = [
    healthyLoadBalancing, hotStandbyWithBackup, passiveBackup, partnerDown, communicationRecovery,
    maintenance, terminated,
  ]

  /// The scenario named `name`, if there is one.
  public static func named(_ name: String) -> Scenario? { all.first { $0.name == name } }

  private typealias Server = SimulatedKeaServer

  private static func remote(
    _ state: String, role: String, scopes: [String], age: Int = 1, interrupted: Bool = false,
    inTouch: Bool = true
  ) -> Server.RemoteView {
    Server.RemoteView(
      age: age, inTouch: inTouch, lastScopes: scopes, lastState: state, role: role,
      communicationInterrupted: interrupted)
  }

  private static func pair(_ first: String, _ second: String, secondRole: String = "secondary")
    -> [Server.Peer]
  {
    [Server.Peer(name: first, role: "primary"), Server.Peer(name: second, role: secondRole)]
  }

  /// Two servers in load-balancing, each serving its own scope, reached by their own names.
  private static func healthyPair(_ first: String, _ second: String) -> [Server] {
    let names = [first, second]
    let peers = pair(first, second)
    return names.enumerated().map { position, name in
      Server(
        name: name, path: name, mode: "load-balancing",
        role: position == 0 ? "primary" : "secondary", state: "load-balancing", scopes: [name],
        remote: remote(
          "load-balancing", role: position == 0 ? "secondary" : "primary",
          scopes: [names[1 - position]]), peers: peers)
    }
  }

  /// `pairs` healthy load-balancing pairs named `fleet-N-a` / `fleet-N-b`, one site per ten
  /// pairs; the B server of every `deadEvery`-th pair is unreachable and of every
  /// `silentEvery`-th pair never answers, and its A server, which cannot reach it either, has
  /// taken over in partner-down (as the survivor in the Kea captures does); the A server of
  /// every `slowEvery`-th pair answers its follow-up questions only after `slowSeconds` (0:
  /// none). For runs over hundreds of appliances.
  public static func fleet(
    pairs: Int, deadEvery: Int = 0, silentEvery: Int = 0, slowEvery: Int = 0,
    slowSeconds: Double = 0
  ) -> [Scenario] {
    (0..<pairs).map { index in
      var servers = healthyPair("fleet-\(index)-a", "fleet-\(index)-b")
      if slowEvery > 0, index % slowEvery == 0 {
        servers[0].behavior = .slow(["config-get", "ha-heartbeat"], seconds: slowSeconds)
      }
      if deadEvery > 0, index % deadEvery == deadEvery - 1 {
        servers[1].behavior = .unreachable
      } else if silentEvery > 0, index % silentEvery == silentEvery / 2 {
        servers[1].behavior = .silent
      }
      if servers[1].behavior != .answers {
        servers[0].state = "partner-down"
        servers[0].scopes = [servers[0].name, servers[1].name]
        servers[0].remote = remote(
          "unavailable", role: "secondary", scopes: [servers[1].name], age: 30, interrupted: true)
      }
      return Scenario(
        name: "fleet-\(index)", summary: "a load-balancing pair of a large fleet",
        site: "FLEET-\(index / 10)", servers: servers)
    }
  }

  /// A load-balancing pair whose A server answers in the given broken or malicious way.
  public static func hostile(_ hostility: Hostility) -> Scenario {
    var servers = healthyPair("hostile-a", "hostile-b")
    servers[0].behavior = .hostile(hostility)
    return Scenario(
      name: "hostile-\(hostility.rawValue)", summary: "a server that answers badly",
      site: "HOSTILE",
      servers: servers)
  }

  /// A healthy load-balancing pair whose servers leave follow-up questions unanswered: the A
  /// server never answers `ha-heartbeat`, the B server's agent refuses `config-get`.
  public static let partialAnswers: Scenario = {
    var servers = healthyPair("partial-a", "partial-b")
    servers[0].behavior = .ignores(["ha-heartbeat"])
    servers[1].behavior = .refuses(["config-get"])
    return Scenario(
      name: "partial-answers", summary: "servers that answer status-get but not every question",
      site: "PARTIAL", servers: servers)
  }()

  /// A healthy load-balancing pair whose A server answers `status-get` at once but its
  /// follow-up questions only after `seconds`: past a short timeout, they go unanswered.
  public static func slowFollowUps(seconds: Double) -> Scenario {
    var servers = healthyPair("slow-a", "slow-b")
    servers[0].behavior = .slow(["config-get", "ha-heartbeat"], seconds: seconds)
    return Scenario(
      name: "slow-follow-ups", summary: "a server slow to answer its follow-up questions",
      site: "SLOW", servers: servers)
  }

  /// A healthy load-balancing pair reached in both ways Kea offers: the A server through a
  /// Control Agent (Kea 2.2), the B server on the daemon's own HTTP socket (Kea 2.7+, 3.x).
  public static let mixedControlSockets: Scenario = {
    var servers = healthyPair("agent-a", "socket-b")
    servers[1].controlSocket = .daemon
    return Scenario(
      name: "mixed-control-sockets", summary: "one server behind an agent, one on its own socket",
      site: "SOCKETS", servers: servers)
  }()

  /// Both servers in load-balancing, each serving its own scope.
  public static let healthyLoadBalancing: Scenario = {
    let peers = pair("dc1-kea-a", "dc1-kea-b")
    return Scenario(
      name: "load-balancing", summary: "a healthy load-balancing pair", site: "DC1",
      servers: [
        Server(
          name: "dc1-kea-a", path: "load-balancing-a", mode: "load-balancing", role: "primary",
          state: "load-balancing", scopes: ["dc1-kea-a"],
          remote: remote("load-balancing", role: "secondary", scopes: ["dc1-kea-b"]), peers: peers),
        Server(
          name: "dc1-kea-b", path: "load-balancing-b", mode: "load-balancing", role: "secondary",
          state: "load-balancing", scopes: ["dc1-kea-b"],
          remote: remote("load-balancing", role: "primary", scopes: ["dc1-kea-a"]), peers: peers),
      ])
  }()

  /// A hot-standby pair whose agents require basic auth, with a backup server.
  public static let hotStandbyWithBackup: Scenario = {
    let peers = [
      Server.Peer(name: "dc2-kea-primary", role: "primary"),
      Server.Peer(name: "dc2-kea-standby", role: "standby"),
      Server.Peer(name: "dc2-kea-backup", role: "backup", autoFailover: false),
    ]
    var servers = [
      Server(
        name: "dc2-kea-primary", path: "hot-standby-primary", mode: "hot-standby", role: "primary",
        state: "hot-standby", scopes: ["dc2-kea-primary"],
        remote: remote("hot-standby", role: "standby", scopes: []), peers: peers),
      Server(
        name: "dc2-kea-standby", path: "hot-standby-standby", mode: "hot-standby", role: "standby",
        state: "hot-standby", scopes: [],
        remote: remote("hot-standby", role: "primary", scopes: ["dc2-kea-primary"]), peers: peers),
      Server(
        name: "dc2-kea-backup", path: "hot-standby-backup", mode: "hot-standby", role: "backup",
        state: "backup", scopes: [], remote: nil, peers: peers),
    ]
    for index in servers.indices {
      servers[index].credentials = Server.Credentials(
        username: "monitor", password: "demo-monitor-secret")
      servers[index].peerPassword = "demo-peer-secret"
    }
    return Scenario(
      name: "hot-standby", summary: "a hot-standby pair with a backup server", site: "DC2",
      servers: servers)
  }()

  /// One active server sending lease updates to a backup, with no automatic failover.
  public static let passiveBackup: Scenario = {
    let peers = [
      Server.Peer(name: "dc7-kea-active", role: "primary"),
      Server.Peer(name: "dc7-kea-backup", role: "backup", autoFailover: false),
    ]
    return Scenario(
      name: "passive-backup", summary: "a passive-backup server with its backup", site: "DC7",
      servers: [
        Server(
          name: "dc7-kea-active", path: "passive-backup-active", mode: "passive-backup",
          role: "primary", state: "passive-backup", scopes: ["dc7-kea-active"], remote: nil,
          peers: peers),
        Server(
          name: "dc7-kea-backup", path: "passive-backup-backup", mode: "passive-backup",
          role: "backup", state: "backup", scopes: [], remote: nil, peers: peers),
      ])
  }()

  /// The secondary cannot be reached; the primary took over in partner-down.
  public static let partnerDown: Scenario = {
    let peers = pair("dc3-kea-a", "dc3-kea-b")
    var secondary = Server(
      name: "dc3-kea-b", path: "partner-down-b", mode: "load-balancing", role: "secondary",
      state: "load-balancing", scopes: ["dc3-kea-b"], remote: nil, peers: peers)
    secondary.behavior = .unreachable
    return Scenario(
      name: "partner-down",
      summary: "the secondary is unreachable and the primary is in partner-down",
      site: "DC3",
      servers: [
        Server(
          name: "dc3-kea-a", path: "partner-down-a", mode: "load-balancing", role: "primary",
          state: "partner-down", scopes: ["dc3-kea-a", "dc3-kea-b"],
          remote: remote(
            "unavailable", role: "secondary", scopes: ["dc3-kea-b"], age: 187, interrupted: true),
          peers: peers),
        secondary,
      ])
  }()

  /// The secondary's daemon died behind its agent; the primary counts unacked clients.
  public static let communicationRecovery: Scenario = {
    let peers = pair("dc4-kea-a", "dc4-kea-b")
    var primary = Server(
      name: "dc4-kea-a", path: "communication-recovery-a", mode: "load-balancing", role: "primary",
      state: "communication-recovery", scopes: ["dc4-kea-a"],
      remote: remote(
        "unavailable", role: "secondary", scopes: ["dc4-kea-b"], age: 64, interrupted: true),
      peers: peers)
    primary.remote?.unackedClients = 3
    primary.remote?.unackedClientsLeft = 8
    primary.remote?.connectingClients = 7
    primary.remote?.analyzedPackets = 12
    primary.countsUnackedClients = true
    var secondary = Server(
      name: "dc4-kea-b", path: "communication-recovery-b", mode: "load-balancing",
      role: "secondary",
      state: "load-balancing", scopes: ["dc4-kea-b"], remote: nil, peers: peers)
    secondary.behavior = .daemonDown
    return Scenario(
      name: "communication-recovery",
      summary: "a pair in communication-recovery with unacked clients counting up", site: "DC4",
      servers: [primary, secondary])
  }()

  /// The operator put the secondary into maintenance.
  public static let maintenance: Scenario = {
    let peers = pair("dc5-kea-a", "dc5-kea-b")
    return Scenario(
      name: "maintenance", summary: "a pair in maintenance", site: "DC5",
      servers: [
        Server(
          name: "dc5-kea-a", path: "maintenance-a", mode: "load-balancing", role: "primary",
          state: "partner-in-maintenance", scopes: ["dc5-kea-a", "dc5-kea-b"],
          remote: remote("in-maintenance", role: "secondary", scopes: []), peers: peers),
        Server(
          name: "dc5-kea-b", path: "maintenance-b", mode: "load-balancing", role: "secondary",
          state: "in-maintenance", scopes: [],
          remote: remote(
            "partner-in-maintenance", role: "primary", scopes: ["dc5-kea-a", "dc5-kea-b"]),
          peers: peers),
      ])
  }()

  /// The clocks differ by 90 s, so both servers gave up HA.
  public static let terminated: Scenario = {
    let peers = pair("dc6-kea-a", "dc6-kea-b")
    var secondary = Server(
      name: "dc6-kea-b", path: "terminated-b", mode: "load-balancing", role: "secondary",
      state: "terminated", scopes: ["dc6-kea-b"],
      remote: remote("terminated", role: "primary", scopes: ["dc6-kea-a"], age: 0), peers: peers)
    secondary.clockOffset = 90
    return Scenario(
      name: "terminated", summary: "a terminated pair (their clocks differ by 90 s)", site: "DC6",
      servers: [
        Server(
          name: "dc6-kea-a", path: "terminated-a", mode: "load-balancing", role: "primary",
          state: "terminated", scopes: ["dc6-kea-a"],
          remote: remote("terminated", role: "secondary", scopes: ["dc6-kea-b"], age: 0),
          peers: peers),
        secondary,
      ])
  }()
}
