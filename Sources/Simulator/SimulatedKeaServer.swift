import Foundation

/// One simulated Kea server behind its Control Agent: its HA state and configuration, and how
/// it misbehaves. It answers like the captures in `shared/lab/kea/captures`.
public struct SimulatedKeaServer: Sendable {
  /// The server's name in the HA configuration (`this-server-name`), also its inventory name.
  public var name: String
  /// The first URL path segment that reaches it; Kea ignores the path, the simulator uses it
  /// to host many servers on one port.
  public var path: String
  /// The relationship's mode: `load-balancing`, `hot-standby` or `passive-backup`.
  public var mode: String
  public var role: String
  public var state: String
  public var scopes: [String]
  /// What it last saw of its partner; nil on backups and in passive-backup mode.
  public var remote: RemoteView?
  /// Names of every server in the relationship, with roles (the `peers` of the config).
  public var peers: [Peer]
  public var timers = Timers()
  /// Basic-auth credentials its agent requires.
  public var credentials: Credentials?
  /// The password its HA peers use, echoed in clear by `config-get` as real Kea does.
  public var peerPassword: String?
  public var behavior: Behavior = .answers
  /// Where its commands are sent: a Control Agent in front of it (Kea 2.2), or the daemon's
  /// own HTTP control socket (Kea 3.0, which deprecates the agent).
  public var controlSocket: ControlSocket = .agent
  /// Seconds its clock runs ahead of the real one (for clock-skew scenarios).
  public var clockOffset: TimeInterval = 0
  /// Whether the unacked-client counters rise by one on every `status-get` (a failover in
  /// progress that the demo can watch).
  public var countsUnackedClients = false

  public struct RemoteView: Sendable {
    public var age: Int
    public var inTouch: Bool
    public var lastScopes: [String]
    public var lastState: String
    public var role: String
    public var communicationInterrupted: Bool
    public var connectingClients: Int = 0
    public var unackedClients: Int = 0
    public var unackedClientsLeft: Int = 0
    public var analyzedPackets: Int = 0

    public init(
      age: Int, inTouch: Bool, lastScopes: [String], lastState: String, role: String,
      communicationInterrupted: Bool
    ) {
      self.age = age
      self.inTouch = inTouch
      self.lastScopes = lastScopes
      self.lastState = lastState
      self.role = role
      self.communicationInterrupted = communicationInterrupted
    }
  }

  public struct Peer: Sendable {
    public var name: String
    public var role: String
    /// Filled in when the simulator knows its port.
    public var url: String = ""
    public var autoFailover: Bool

    public init(name: String, role: String, autoFailover: Bool = true) {
      self.name = name
      self.role = role
      self.autoFailover = autoFailover
    }
  }

  /// HA timers in milliseconds, as `config-get` reports them.
  public struct Timers: Sendable {
    public var heartbeatDelay = 10000
    public var maxResponseDelay = 60000
    public var maxAckDelay = 10000
    public var maxUnackedClients = 10
    public var delayedUpdatesLimit = 100
    public init() {}
  }

  public struct Credentials: Sendable {
    public var username: String
    public var password: String
    public init(username: String, password: String) {
      self.username = username
      self.password = password
    }
  }

  /// What answers a server's HTTP commands.
  public enum ControlSocket: Sendable, Equatable {
    /// `kea-ctrl-agent`: the request names its `service`; the answer is a list, one element
    /// per service; without `service`, the agent answers for itself.
    case agent
    /// The daemon's own `http` control socket, as real Kea 3.0.4 serves it: `service` is
    /// ignored whatever it names, the answer is a list of one element in Kea 3.0's shape
    /// (server names, system times and clock skew, `dhcp-state`), and HTTP-level errors are
    /// bare objects.
    case daemon
  }

  /// How the server and its agent behave.
  public enum Behavior: Sendable, Equatable {
    /// Normal answers.
    case answers
    /// The agent is up but the daemon behind it is dead: result 1, "Connection refused".
    case daemonDown
    /// Nothing listens: the URL points at a closed port.
    case unreachable
    /// Takes the request and never answers (a hung agent or a black-holed route).
    case silent
    /// Answers every command in one broken or malicious way.
    case hostile(Hostility)
    /// Answers `status-get`, but never answers these commands (an agent that hangs on a
    /// slow command).
    case ignores(Set<String>)
    /// Answers `status-get`, but refuses these commands with result 1 (an agent whose access
    /// rules deny them, as operators do for `config-get`, which carries the peers' passwords).
    case refuses(Set<String>)
    /// Answers `status-get` at once and these commands only after `seconds` (a daemon busy
    /// with a large configuration, or an agent queueing behind other callers).
    case slow(Set<String>, seconds: Double)
  }

  public init(
    name: String, path: String, mode: String, role: String, state: String, scopes: [String],
    remote: RemoteView?, peers: [Peer]
  ) {
    self.name = name
    self.path = path
    self.mode = mode
    self.role = role
    self.state = state
    self.scopes = scopes
    self.remote = remote
    self.peers = peers
  }
}
