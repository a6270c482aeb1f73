import Foundation
import Snapshot

#if canImport(Glibc)
  import Glibc
#endif

/// A real ISC dhcpd 4.4 failover pair in a network namespace the lab creates and deletes.
///
/// dhcpd will not serve on `lo`, so each server gets one end of a veth pair; both ends stay
/// inside the namespace, failover runs on the namespace's own loopback (127.0.0.2:647 ↔
/// 127.0.0.3:847), OMAPI on 7911 (primary, HMAC-SHA256 key) and 7912 (secondary, no key).
/// The configurations are the lab's (`shared/lab/dhcpd/conf`) with a shorter MCLT. Nothing is
/// attached to the host's network.
final class DhcpdLab {
  struct Missing: Error, CustomStringConvertible {
    var description: String
  }

  static let configs = TestSupport.shared.appendingPathComponent("lab/dhcpd/conf")
  static let peer = "lab-fo"

  let namespace: String
  let folder: URL
  let mclt: Int
  private let ip: URL
  private var processes: [String: Process] = [:]
  private var namespaceCreated = false

  /// Why this machine cannot run the lab, or nil when it can.
  static func missing() -> String? {
    if geteuid() != 0 { return "the dhcpd lab needs root (it creates a network namespace)" }
    for tool in ["/usr/sbin/dhcpd", "/usr/bin/omshell"]
    where !FileManager.default.isExecutableFile(atPath: tool) {
      return "\(tool) is missing (apt-get install isc-dhcp-server)"
    }
    if TestSupport.program("/usr/sbin/ip", "/sbin/ip", "ip") == nil {
      return "ip (iproute2) is missing"
    }
    if !FileManager.default.fileExists(atPath: configs.path) {
      return "shared/lab/dhcpd/conf is missing"
    }
    return nil
  }

  init(mclt: Int) throws {
    if let missing = Self.missing() { throw Missing(description: missing) }
    guard let ip = TestSupport.program("/usr/sbin/ip", "/sbin/ip", "ip") else {
      throw Missing(description: "ip (iproute2) is missing")
    }
    self.ip = ip
    self.mclt = mclt
    namespace = "frt-\(UUID().uuidString.prefix(8).lowercased())"
    folder = URL(fileURLWithPath: "/tmp/\(namespace)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try setUpNamespace()
    try writeConfigs()
  }

  deinit { tearDown() }

  var keyFile: URL { folder.appendingPathComponent("omapi.key") }
  func leases(_ role: String) -> URL { folder.appendingPathComponent("\(role).leases") }

  private func run(_ arguments: [String]) throws {
    let result = try TestSupport.execute(ip, arguments)
    guard result.status == 0 else {
      throw Missing(description: "ip \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    }
  }

  private func setUpNamespace() throws {
    try run(["netns", "add", namespace])
    namespaceCreated = true
    let inside = ["netns", "exec", namespace, ip.path]
    try run(inside + ["link", "set", "lo", "up"])
    try run(inside + ["link", "add", "fo0", "type", "veth", "peer", "name", "fo1"])
    // TEST-NET-2 addresses that exist only inside the namespace.
    try run(inside + ["addr", "add", "198.51.100.1/24", "dev", "fo0"])
    try run(inside + ["addr", "add", "198.51.100.2/24", "dev", "fo1"])
    try run(inside + ["link", "set", "fo0", "up"])
    try run(inside + ["link", "set", "fo1", "up"])
  }

  private func writeConfigs() throws {
    let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    try "key omapi_key {\n  algorithm hmac-sha256;\n  secret \"\(secret)\";\n};\n".write(
      to: keyFile, atomically: true, encoding: .utf8)
    for role in ["primary", "secondary"] {
      var text = try String(
        contentsOf: Self.configs.appendingPathComponent("\(role).conf"), encoding: .utf8)
      text = text.replacingOccurrences(
        of: "include \"run/omapi-key.conf\";",
        with: "include \"\(keyFile.path)\";\nomapi-key omapi_key;")
      text = text.replacingOccurrences(of: "mclt 60;", with: "mclt \(mclt);")
      try text.write(
        to: folder.appendingPathComponent("\(role).conf"), atomically: true, encoding: .utf8)
      if !FileManager.default.fileExists(atPath: leases(role).path) {
        try Data().write(to: leases(role))
      }
    }
  }

  /// Starts one server in the foreground inside the namespace; its output goes to ROLE.log.
  func start(_ role: String) throws {
    let process = Process()
    process.executableURL = ip
    process.arguments = [
      "netns", "exec", namespace, "/usr/sbin/dhcpd", "-4", "-f", "-d", "-cf",
      folder.appendingPathComponent("\(role).conf").path, "-lf", leases(role).path, "-pf",
      folder.appendingPathComponent("\(role).pid").path, role == "primary" ? "fo0" : "fo1",
    ]
    let logPath = folder.appendingPathComponent("\(role).log").path
    if !FileManager.default.fileExists(atPath: logPath) {
      try Data().write(to: URL(fileURLWithPath: logPath))
    }
    let log = FileHandle(forWritingAtPath: logPath)
    log?.seekToEndOfFile()
    process.standardOutput = log
    process.standardError = log
    try process.run()
    processes[role] = process
  }

  /// SIGKILL: a crash (Debian's dhcpd treats SIGTERM the same way).
  func kill(_ role: String) {
    guard let process = processes.removeValue(forKey: role) else { return }
    Glibc.kill(process.processIdentifier, SIGKILL)
    var status: Int32 = 0
    _ = waitpid(process.processIdentifier, &status, 0)
  }

  /// omshell inside the namespace against the primary's keyed OMAPI: set its local state.
  func setPrimaryState(_ number: Int) throws -> String {
    let text = try String(contentsOf: keyFile, encoding: .utf8)
    let secret = text.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
    let script = [
      "server 127.0.0.1", "port 7911", "key-algorithm hmac-sha256", "key omapi_key \(secret)",
      "connect", "new failover-state", "set name = \"\(Self.peer)\"", "open",
      "set local-state = \(number)", "update",
    ].joined(separator: "\n")
    let input = folder.appendingPathComponent("omshell.in")
    try script.write(to: input, atomically: true, encoding: .utf8)
    let result = try TestSupport.execute(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "timeout 10 \(ip.path) netns exec \(namespace) omshell < \(input.path)"])
    return result.stdout
  }

  /// Runs failover-report inside the namespace on `inventory` and returns the snapshot it
  /// wrote.
  func report(_ inventory: String) throws -> Snapshot {
    let file = folder.appendingPathComponent("inventory.yaml")
    try inventory.write(to: file, atomically: true, encoding: .utf8)
    let json = folder.appendingPathComponent("snapshot.json")
    try? FileManager.default.removeItem(at: json)
    let result = try TestSupport.execute(
      ip,
      [
        "netns", "exec", namespace, TestSupport.binary.path, "run", "--inventory", file.path,
        "--output", folder.appendingPathComponent("www").path, "--json", json.path,
        "--timeout", "3",
      ])
    guard FileManager.default.fileExists(atPath: json.path) else {
      throw Missing(description: "the run wrote no snapshot: \(result.stdout)\(result.stderr)")
    }
    return try Snapshot.makeDecoder().decode(Snapshot.self, from: Data(contentsOf: json))
  }

  /// Both servers' logs, for failure messages.
  func logs() -> String {
    ["primary", "secondary"].map { role in
      let text =
        (try? String(
          contentsOf: folder.appendingPathComponent("\(role).log"), encoding: .utf8)) ?? ""
      return "== \(role)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }.joined(separator: "\n")
  }

  func tearDown() {
    for role in Array(processes.keys) { kill(role) }
    if namespaceCreated {
      _ = try? TestSupport.execute(ip, ["netns", "delete", namespace])
      namespaceCreated = false
    }
    try? FileManager.default.removeItem(at: folder)
  }
}
