import Foundation
import Simulator

#if canImport(Glibc)
  import Glibc
#endif

/// Real Kea 2.2 daemons (kea-dhcp4 with the HA hook, and kea-ctrl-agent) started on 127.0.0.1
/// from the lab's config templates in `shared/lab/kea/configs`, with free ports, their own
/// temporary folder and short HA timers. Every process it starts, it stops.
final class KeaLab {
  struct Missing: Error, CustomStringConvertible {
    var description: String
  }

  let folder: URL
  let hooks: String
  /// server name → agent port.
  private(set) var ports: [String: Int] = [:]
  private var processes: [String: Process] = [:]
  private let template: String
  private let agentTemplate: String
  private let servers: [String]
  private let substitutions: [String: String]
  /// Changes to each rendered kea-dhcp4 configuration (the `Dhcp4` object), such as TLS for
  /// the HA peers.
  private let daemonEdit: JSONEdit?
  /// Changes to each server's own agent configuration (the `Control-agent` object).
  private let agentEdit: JSONEdit?

  /// A change to a rendered configuration's top object.
  typealias JSONEdit = (_ server: String, _ object: inout [String: Any]) -> Void

  static let configs = TestSupport.shared.appendingPathComponent("lab/kea/configs")

  /// Where Debian's kea-common puts the hooks, or nil when Kea is not installed.
  static func hooksFolder() -> String? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/kea-dhcp4"),
      FileManager.default.isExecutableFile(atPath: "/usr/sbin/kea-ctrl-agent")
    else { return nil }
    for root in [
      "/usr/lib/x86_64-linux-gnu/kea/hooks", "/usr/lib/aarch64-linux-gnu/kea/hooks",
      "/usr/lib/kea/hooks",
    ]
    where FileManager.default.fileExists(atPath: root + "/libdhcp_ha.so") {
      return root
    }
    return nil
  }

  init(
    template: String, agentTemplate: String = "ctrl-agent.json", servers: [String],
    substitutions: [String: String] = [:], daemonEdit: JSONEdit? = nil, agentEdit: JSONEdit? = nil
  ) throws {
    guard let hooks = Self.hooksFolder() else {
      throw Missing(
        description: "Kea 2.2 is not installed (apt-get install kea-dhcp4-server kea-ctrl-agent)")
    }
    guard FileManager.default.fileExists(atPath: Self.configs.path) else {
      throw Missing(description: "shared/lab/kea/configs is missing")
    }
    self.hooks = hooks
    self.template = template
    self.agentTemplate = agentTemplate
    self.servers = servers
    self.substitutions = substitutions
    self.daemonEdit = daemonEdit
    self.agentEdit = agentEdit
    // Unix socket paths must stay short (about 107 bytes), so the folder lives in /tmp.
    folder = URL(fileURLWithPath: "/tmp/kea-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for server in servers { ports[server] = try FreePort.find() }
  }

  deinit { stopAll() }

  func url(_ server: String, scheme: String = "http") -> String {
    "\(scheme)://127.0.0.1:\(ports[server] ?? 0)/"
  }

  private func render(
    _ file: String, server: String, agentPort: Int? = nil, key: String? = nil,
    edit: JSONEdit? = nil
  ) throws -> String {
    var text = try String(contentsOf: Self.configs.appendingPathComponent(file), encoding: .utf8)
    var values: [String: String] = [
      "@RUN@": folder.path, "@HOOKS@": hooks, "@SELF@": key ?? server, "@SOCKOF@": server,
      "@CAPORT@": String(agentPort ?? ports[server] ?? 0), "@IFCFG@": #"{ "interfaces": [] }"#,
      "@MUC@": "0",
      "@DUL@": "100",
    ]
    for (index, name) in ["server1", "server2", "server3"].enumerated() {
      values["@PORT\(index + 1)@"] = String(ports[name] ?? 9)
    }
    values.merge(substitutions) { _, new in new }
    for (key, value) in values { text = text.replacingOccurrences(of: key, with: value) }
    guard let edit else { return text }
    return try Self.editing(text, file: file) { edit(server, &$0) }
  }

  /// A rendered Kea configuration with its top object (`Dhcp4`, `Control-agent`) changed.
  static func editing(
    _ text: String, file: String, _ change: (inout [String: Any]) -> Void
  ) throws -> String {
    guard var top = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
      let name = top.keys.first, var object = top[name] as? [String: Any]
    else { throw Missing(description: "\(file) is not a Kea configuration object") }
    change(&object)
    top[name] = object
    return String(
      decoding: try JSONSerialization.data(withJSONObject: top, options: [.sortedKeys]),
      as: UTF8.self)
  }

  /// Starts every server's agent, then its kea-dhcp4.
  func startAll() throws {
    for server in servers { try startAgent(server) }
    for server in servers { try startDaemon(server) }
  }

  func startAgent(_ server: String) throws {
    let path = folder.appendingPathComponent("\(server).agent.json")
    try Data(try render(agentTemplate, server: server, edit: agentEdit).utf8).write(to: path)
    try launch("\(server).agent", "/usr/sbin/kea-ctrl-agent", ["-c", path.path])
  }

  /// Starts one more Control Agent in front of `server`'s daemon, on a free port, with its
  /// configuration changed by `edit`; returns the port. Several agents may forward to one
  /// daemon, so one HA pair can be reached through agents that are set up in different ways.
  func startExtraAgent(_ key: String, for server: String, edit: @escaping JSONEdit) throws -> Int {
    let port = try FreePort.find()
    let path = folder.appendingPathComponent("\(key).agent.json")
    let text = try render(agentTemplate, server: server, agentPort: port, key: key, edit: edit)
    try Data(text.utf8).write(to: path)
    try launch("\(key).agent", "/usr/sbin/kea-ctrl-agent", ["-c", path.path])
    return port
  }

  func startDaemon(_ server: String) throws {
    // The pid file is named after the config's basename, so every server gets its own name.
    let path = folder.appendingPathComponent("\(server).dhcp4.json")
    try Data(try render(template, server: server, edit: daemonEdit).utf8).write(to: path)
    try launch("\(server).dhcp4", "/usr/sbin/kea-dhcp4", ["-c", path.path])
  }

  private func launch(_ key: String, _ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["KEA_PIDFILE_DIR"] = folder.path
    environment["KEA_LOCKFILE_DIR"] = folder.path
    process.environment = environment
    // Each daemon's own output goes to a file in the lab folder, kept for reading on failure.
    let logPath = folder.appendingPathComponent("\(key).stdout").path
    if !FileManager.default.fileExists(atPath: logPath) {
      try Data().write(to: URL(fileURLWithPath: logPath))
    }
    let log = FileHandle(forWritingAtPath: logPath)
    process.standardOutput = log
    process.standardError = log
    try process.run()
    processes[key] = process
  }

  /// Returns once something accepts TCP connections on 127.0.0.1:`port`, or throws after 10 s.
  static func waitUntilListening(port: Int) async throws {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      close(descriptor)
      if connected == 0 { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw Missing(description: "nothing listens on 127.0.0.1:\(port) after 10 s")
  }

  /// SIGKILL: a crash, leaving its socket file behind.
  func kill(_ key: String) {
    guard let process = processes.removeValue(forKey: key) else { return }
    Glibc.kill(process.processIdentifier, SIGKILL)
    Self.awaitExit(process)
  }

  func stopAll() {
    let started = Date()
    defer {
      if ProcessInfo.processInfo.environment["KEA_TEST_TRACE"] != nil {
        print("trace stopAll took \(Date().timeIntervalSince(started)) s")
      }
    }
    for (_, process) in processes { Glibc.kill(process.processIdentifier, SIGTERM) }
    for (_, process) in processes { Self.awaitExit(process) }
    processes.removeAll()
    try? FileManager.default.removeItem(at: folder)
  }

  /// Waits (at most 1 s) for a process to be gone, reaping it, then kills it. Children that
  /// Foundation starts from a test thread can inherit a blocked SIGTERM, so Kea may never see
  /// the polite request; and Foundation's `waitUntilExit` and `isRunning` depend on a run loop
  /// that a test's task thread never services on Linux, so they would hang or lag here.
  private static func awaitExit(_ process: Process) {
    let pid = process.processIdentifier
    let deadline = Date().addingTimeInterval(1)
    var status: Int32 = 0
    while Date() < deadline {
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid || (reaped == -1 && errno == ECHILD) { return }
      usleep(20_000)
    }
    Glibc.kill(pid, SIGKILL)
    _ = waitpid(pid, &status, 0)
  }
}
