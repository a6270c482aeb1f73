/// The benchmark's data: a deterministic report of N servers (fixed-seed generator), with
/// `& < > " '`, an em dash and other non-ASCII text in it, as in shared/research/mustache.md.
struct ReportData {
  struct Scope {
    var cidr: String
    var used: Int
    var size: Int
  }

  struct Server {
    var name: String
    var address: String
    var role: String
    var state: String
    var stateClass: String
    var stateTime: String
    var partnerState: String?
    var heartbeat: String
    var scopes: [Scope]
    var unackedClients: Int
    var progress: Int
    var helpText: String
  }

  var title = "DHCP failover — R&D \"lab\" <status> © 2026"
  var generatedAt = "2026-11-21T23:40:00Z"
  var generator = "failover-report bench"
  var total = 0
  var healthy = 0
  var degraded = 0
  var down = 0
  var note: String?
  var servers: [Server] = []
  var footer = "Made with care — it's <b>not</b> a toy & never was."

  init(rows: Int) {
    var seed: UInt64 = 0x2545_F491_4F6C_DD1D
    func next(_ bound: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(bound))
    }
    let sites = ["ams", "fra", "lon", "par", "mad", "r&d", "waw", "vie", "osl"]
    let states = ["communications-interrupted", "recover", "partner-down", "startup"]
    let roles = ["primary", "secondary", "standalone"]
    let helps = [
      "Server %@ answers \"its\" share.", "Server %@ isn't <reachable> right now.",
      "Server %@ — leases & bindings in step.", "Server %@: check 'heartbeat' > 30 s.",
    ]
    for index in 0..<rows {
      let site = sites[next(sites.count)]
      let name = "dhcp-\(site)-\(index)"
      let role = roles[index % 3]
      let normal = next(2) == 0
      let state = normal ? "normal" : states[next(states.count)]
      var scopes: [Scope] = []
      if next(10) != 0 {
        for _ in 0..<(1 + next(4)) {
          scopes.append(
            Scope(cidr: "10.\(next(256)).\(next(256)).0/24", used: next(250), size: 254))
        }
      }
      servers.append(
        Server(
          name: name, address: "192.0.2.\(index % 254 + 1)", role: role, state: state,
          stateClass: normal ? "ok" : "bad",
          stateTime: "2026-11-21 23:\(10 + next(49)):\(10 + next(49))",
          partnerState: role == "standalone" ? nil : (next(2) == 0 ? "normal" : "recover"),
          heartbeat: normal ? "ok" : "failed", scopes: scopes, unackedClients: next(11),
          progress: next(101),
          helpText: helps[next(helps.count)].replacingOccurrences(of: "%@", with: name)))
      if normal {
        healthy += 1
      } else if state == "partner-down" {
        down += 1
      } else {
        degraded += 1
      }
    }
    total = rows
    note = down > 0 ? "\(down) servers are down & need attention." : nil
  }
}
