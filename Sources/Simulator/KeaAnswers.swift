import Foundation

/// The bodies a Kea 2.2 Control Agent sends, built from a simulated server's state.
enum KeaAnswers {
  static let badRequest: WireJSON = ["result": 400, "text": "Bad Request"]
  static let unauthorized: WireJSON = ["result": 401, "text": "Unauthorized"]

  static func statusGet(_ server: SimulatedKeaServer, uptime: Int) -> WireJSON {
    var servers: [String: WireJSON] = [
      "local": [
        "role": .string(server.role), "scopes": .strings(server.scopes),
        "state": .string(server.state),
      ]
    ]
    if let remote = server.remote {
      servers["remote"] = [
        "age": .int(remote.age), "analyzed-packets": .int(remote.analyzedPackets),
        "communication-interrupted": .bool(remote.communicationInterrupted),
        "connecting-clients": .int(remote.connectingClients), "in-touch": .bool(remote.inTouch),
        "last-scopes": .strings(remote.lastScopes), "last-state": .string(remote.lastState),
        "role": .string(remote.role), "unacked-clients": .int(remote.unackedClients),
        "unacked-clients-left": .int(remote.unackedClientsLeft),
      ]
    }
    let arguments: WireJSON = [
      "high-availability": [["ha-mode": .string(server.mode), "ha-servers": .object(servers)]],
      "multi-threading-enabled": false, "pid": .int(20000 + abs(server.name.hashValue % 9000)),
      "reload": .int(uptime), "sockets": ["status": "ready"], "uptime": .int(uptime),
    ]
    return [["arguments": arguments, "result": 0]]
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
    let ha: WireJSON = [
      "delayed-updates-limit": .int(timers.delayedUpdatesLimit),
      "heartbeat-delay": .int(timers.heartbeatDelay),
      "max-ack-delay": .int(timers.maxAckDelay),
      "max-response-delay": .int(timers.maxResponseDelay),
      "max-unacked-clients": .int(timers.maxUnackedClients), "mode": .string(server.mode),
      "multi-threading": [
        "enable-multi-threading": false, "http-client-threads": 0,
        "http-dedicated-listener": false, "http-listener-threads": 0,
      ],
      "peers": .array(peers), "require-client-certs": true, "restrict-commands": false,
      "send-lease-updates": true, "sync-leases": true, "sync-page-limit": 10000,
      "sync-timeout": 60000, "this-server-name": .string(server.name), "wait-backup-ack": false,
    ]
    let dhcp4: WireJSON = [
      "hooks-libraries": [
        [
          "library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"
        ],
        [
          "library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so",
          "parameters": ["high-availability": [ha]],
        ],
      ],
      "interfaces-config": ["interfaces": []],
      "server-tag": "",
    ]
    return [["arguments": ["Dhcp4": dhcp4], "result": 0]]
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

  /// A daemon's own socket asked for another daemon's service. The wording is the
  /// simulator's: what the collector relies on is the non-zero result of a one-object answer.
  static func serviceRefusedByDaemon(_ services: [String]) -> WireJSON {
    [
      "result": 1,
      "text": .string(
        "this is the dhcp4 server; the command names the service \(services.joined(separator: ", ")), which it does not serve"
      ),
    ]
  }

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
