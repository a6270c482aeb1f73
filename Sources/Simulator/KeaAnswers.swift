import Foundation

/// The bodies a Kea 2.2 Control Agent sends, or a Kea 3.0 daemon on its own socket, built from
/// a simulated server's state (`shared/lab/kea/captures`, `shared/lab/kea-new/captures`).
enum KeaAnswers {
  static let badRequest: WireJSON = ["result": 400, "text": "Bad Request"]
  static let unauthorized: WireJSON = ["result": 401, "text": "Unauthorized"]

  static func statusGet(_ server: SimulatedKeaServer, uptime: Int, now: Date = Date())
    -> WireJSON
  {
    let kea30 = server.controlSocket == .daemon
    var local: [String: WireJSON] = [
      "role": .string(server.role), "scopes": .strings(server.scopes),
      "state": .string(server.state),
    ]
    var servers: [String: WireJSON] = [:]
    if let remote = server.remote {
      var fields: [String: WireJSON] = [
        "age": .int(remote.age), "analyzed-packets": .int(remote.analyzedPackets),
        "communication-interrupted": .bool(remote.communicationInterrupted),
        "connecting-clients": .int(remote.connectingClients), "in-touch": .bool(remote.inTouch),
        "last-scopes": .strings(remote.lastScopes), "last-state": .string(remote.lastState),
        "role": .string(remote.role), "unacked-clients": .int(remote.unackedClients),
        "unacked-clients-left": .int(remote.unackedClientsLeft),
      ]
      if kea30 {
        // Kea 3.0 keeps the times of its last clock comparison, and has none before the
        // first contact or once the partner stops answering: then all three are null.
        let partner = server.peers.first { $0.name != server.name && $0.role != "backup" }
        let touching =
          remote.inTouch && !remote.communicationInterrupted
          && !["", "unavailable"].contains(remote.lastState)
        let clock = systemTime(now.addingTimeInterval(server.clockOffset))
        fields["server-name"] = partner.map { .string($0.name) } ?? .null
        fields["system-time"] = touching ? .string(systemTime(now)) : .null
        fields["clock-skew"] = touching ? .int(-Int(server.clockOffset.rounded())) : .null
        local["system-time"] = touching ? .string(clock) : .null
      }
      servers["remote"] = .object(fields)
    } else if kea30 {
      local["system-time"] = .null
    }
    if kea30 { local["server-name"] = .string(server.name) }
    servers["local"] = .object(local)
    var arguments: [String: WireJSON] = [
      "high-availability": [["ha-mode": .string(server.mode), "ha-servers": .object(servers)]],
      "multi-threading-enabled": .bool(kea30),
      "pid": .int(20000 + abs(server.name.hashValue % 9000)),
      "reload": .int(uptime), "sockets": ["status": "ready"], "uptime": .int(uptime),
    ]
    if kea30 {
      // HA keeps DHCP off until the pair reaches a state that serves.
      let off = ["waiting", "syncing", "ready"].contains(server.state)
      arguments["dhcp-state"] = [
        "disabled-by-db-connection": [], "disabled-by-local-command": off ? [1000] : [],
        "disabled-by-remote-command": [], "disabled-by-user": false,
        "globally-disabled": .bool(off),
      ]
      arguments["packet-queue-size"] = 64
      arguments["packet-queue-statistics"] = [.double(0), .double(0), .double(0)]
      arguments["thread-pool-size"] = 2
    }
    return [["arguments": .object(arguments), "result": 0]]
  }

  /// Kea 3.0's `system-time`: `YYYY-MM-DD HH:MM:SS`, UTC, without a zone.
  private static func systemTime(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }

  static func configGet(_ server: SimulatedKeaServer) -> WireJSON {
    let peers: [WireJSON] = server.peers.map { peer in
      var fields: [String: WireJSON] = [
        "auto-failover": .bool(peer.autoFailover), "name": .string(peer.name),
        "role": .string(peer.role), "url": .string(peer.url),
      ]
      if let password = server.peerPassword {
        fields["basic-auth-user"] = "ha-peer"
        fields["basic-auth-password"] = .string(password)
      }
      return .object(fields)
    }
    let timers = server.timers
    let kea30 = server.controlSocket == .daemon
    let ha: WireJSON = [
      "delayed-updates-limit": .int(timers.delayedUpdatesLimit),
      "heartbeat-delay": .int(timers.heartbeatDelay),
      "max-ack-delay": .int(timers.maxAckDelay),
      "max-response-delay": .int(timers.maxResponseDelay),
      "max-unacked-clients": .int(timers.maxUnackedClients), "mode": .string(server.mode),
      // Kea 3.0's defaults: HA multi-threaded with its own listener, which refuses commands
      // other than the HA ones.
      "multi-threading": [
        "enable-multi-threading": .bool(kea30), "http-client-threads": 0,
        "http-dedicated-listener": .bool(kea30), "http-listener-threads": 0,
      ],
      "peers": .array(peers), "require-client-certs": true, "restrict-commands": .bool(kea30),
      "send-lease-updates": true, "sync-leases": true, "sync-page-limit": 10000,
      "sync-timeout": 60000, "this-server-name": .string(server.name), "wait-backup-ack": false,
    ]
    // Kea 3.0 echoes library names as written (bare names, since it only loads from its own
    // folder) and lists its control sockets.
    let hooks = kea30 ? "" : "/usr/lib/x86_64-linux-gnu/kea/hooks/"
    var dhcp4: [String: WireJSON] = [
      "hooks-libraries": [
        ["library": .string(hooks + "libdhcp_lease_cmds.so")],
        [
          "library": .string(hooks + "libdhcp_ha.so"),
          "parameters": ["high-availability": [ha]],
        ],
      ],
      "interfaces-config": ["interfaces": []],
      "server-tag": "",
    ]
    var arguments: [String: WireJSON] = [:]
    if kea30 {
      dhcp4["control-sockets"] = [["socket-address": "127.0.0.1", "socket-type": "http"]]
      arguments["hash"] = .string(String(repeating: "0", count: 64))
    }
    arguments["Dhcp4"] = .object(dhcp4)
    return [["arguments": .object(arguments), "result": 0]]
  }

  static func heartbeat(_ server: SimulatedKeaServer, now: Date) -> WireJSON {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    let arguments: WireJSON = [
      "date-time": .string(formatter.string(from: now.addingTimeInterval(server.clockOffset))),
      "scopes": .strings(server.scopes), "state": .string(server.state),
      "unsent-update-count": 0,
    ]
    return [["arguments": arguments, "result": 0, "text": "HA peer status returned."]]
  }

  static func daemonDown(service: String) -> WireJSON {
    [
      [
        "result": 1,
        "text": .string(
          "unable to forward command to the \(service) service: Connection refused. The server is likely to be offline"
        ),
      ]
    ]
  }

  static func forbidden(_ command: String) -> WireJSON {
    [["result": 1, "text": .string("'\(command)' is not allowed by this agent's access rules")]]
  }

  static func notSupported(_ command: String) -> WireJSON {
    [["result": 2, "text": .string("'\(command)' command not supported.")]]
  }

  static func serviceNotConfigured(_ service: String) -> WireJSON {
    [
      [
        "result": 1,
        "text": .string("forwarding socket is not configured for the server type \(service)"),
      ]
    ]
  }

  /// Kea 3.0's words for the same mistake.
  static let missingCommand30: WireJSON = [
    [
      "result": 1,
      "text":
        "Error during command processing: invalid command: does not contain mandatory 'command'",
    ]
  ]

  static let missingCommand: WireJSON = [
    [
      "result": 1,
      "text":
        "Error during command processing: Invalid answer specified, does not contain mandatory 'command'",
    ]
  ]

  /// The agent's own `status-get`, when the request names no service.
  static func agentStatus(uptime: Int) -> WireJSON {
    [["arguments": ["pid": 4242, "reload": .int(uptime), "uptime": .int(uptime)], "result": 0]]
  }
}
