import Foundation
import Simulator

#if canImport(Glibc)
  import Glibc
#endif

/// Real Kea 2.6 (Debian trixie) or 3.0 (Debian sid) daemons, run in the Debian chroots that
/// `.ci/kea-chroots` builds once per machine, from the lab's config templates in
/// `shared/lab/kea-new/configs`, on 127.0.0.1 with free ports and a run folder of their own
/// inside the chroot. Every process it starts, it stops, and its folder goes with it.
final class KeaChrootLab {
  struct Missing: Error, CustomStringConvertible {
    var description: String
  }

  enum Release: String {
    case kea26 = "trixie"
    case kea30 = "sid"

    var configs: URL {
      TestSupport.shared.appendingPathComponent(
        "lab/kea-new/configs/" + (self == .kea26 ? "kea-2.6" : "kea-3.0"))
    }
  }

  /// Where `.ci/kea-chroots` keeps the chroots.
  static var chroots: String {
    ProcessInfo.processInfo.environment["KEA_CHROOTS"] ?? "/var/cache/failover-report/kea-chroots"
  }

  let release: Release
  let root: String
  /// The Kea version the chroot holds (`kea-dhcp4 -v`).
  let version: String
  /// The run folder as the daemons see it, inside the chroot.
  let runInside: String
  /// Free ports: control socket (or agent) and HA listener per server, and one for TLS.
  private(set) var controlPorts: [String: Int] = [:]
  private(set) var haPorts: [String: Int] = [:]
  private(set) var tlsPorts: [String: Int] = [:]
  private var processes: [String: Process] = [:]
  private let servers: [String]
  private let template: String
  /// A change to a rendered configuration's top object (`Dhcp4`), made knowing the lab's ports.
  typealias Edit = (_ lab: KeaChrootLab, _ server: String, _ object: inout [String: Any]) -> Void

  /// Changes to each rendered kea-dhcp4 configuration, per server.
  private let edit: Edit?

  init(
    _ release: Release, template: String, servers: [String], edit: Edit? = nil
  ) throws {
    self.release = release
    root = Self.chroots + "/" + release.rawValue
    guard getuid() == 0 else {
      throw Missing(description: "running Kea in a chroot needs root")
    }
    guard FileManager.default.isExecutableFile(atPath: root + "/usr/sbin/kea-dhcp4"),
      let version = try? String(contentsOfFile: root + "/.kea-version", encoding: .utf8)
    else {
      throw Missing(
        description:
          "no \(release.rawValue) chroot with Kea at \(root): run bash .ci/kea-chroots (as root)")
    }
    guard FileManager.default.fileExists(atPath: release.configs.path) else {
      throw Missing(description: "shared/lab/kea-new/configs is missing")
    }
    self.version = version.trimmingCharacters(in: .whitespacesAndNewlines)
    self.template = template
    self.servers = servers
    self.edit = edit
    runInside = "/run/failover-report-test-\(UUID().uuidString.prefix(8))"
    for server in servers {
      controlPorts[server] = try FreePort.find()
      haPorts[server] = try FreePort.find()
      tlsPorts[server] = try FreePort.find()
    }
    try makeFolder(runInside)
    for server in servers { try makeFolder(runInside + "/" + server) }
    try makeFolder(runInside + "/tls")
  }

  deinit { stopAll() }

  /// The host's path of a path inside the chroot.
  func host(_ inside: String) -> String { root + inside }

  /// Kea refuses socket and data folders that others can read (0750 at most).
  private func makeFolder(_ inside: String) throws {
    try FileManager.default.createDirectory(
      atPath: host(inside), withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o750])
  }

  func url(_ server: String, scheme: String = "http", port: Int? = nil) -> String {
    "\(scheme)://127.0.0.1:\(port ?? controlPorts[server] ?? 0)/"
  }

  private func render(_ file: String, server: String, edit: Edit? = nil) throws -> String {
    var text = try String(
      contentsOf: release.configs.appendingPathComponent(file), encoding: .utf8)
    var values: [String: String] = [
      "@SELF@": server, "@CPORT@": String(controlPorts[server] ?? 0),
      "@APORT@": String(controlPorts[server] ?? 0), "@TLSPORT@": String(tlsPorts[server] ?? 0),
      "@TLSDIR@": runInside + "/tls",
    ]
    for (index, name) in servers.enumerated() {
      values["@HAPORT\(index + 1)@"] = String(haPorts[name] ?? 0)
      values["@CPORT\(index + 1)@"] = String(controlPorts[name] ?? 0)
    }
    for (key, value) in values { text = text.replacingOccurrences(of: key, with: value) }
    guard let edit else { return text }
    return try KeaLab.editing(text, file: file) { edit(self, server, &$0) }
  }

  /// Starts every server's kea-dhcp4, and for Kea 2.6 its Control Agent.
  func startAll() throws {
    for server in servers { try startDaemon(server) }
    if release == .kea26 {
      for server in servers {
        let config = "\(runInside)/\(server)/\(server)-ctrl-agent.json"
        try Data(try render("ctrl-agent.json", server: server).utf8).write(
          to: URL(fileURLWithPath: host(config)))
        try launch("\(server).agent", server: server, ["/usr/sbin/kea-ctrl-agent", "-c", config])
      }
    }
  }

  func startDaemon(_ server: String) throws {
    // The pid file is named after the config's basename, so every server gets its own name.
    let config = "\(runInside)/\(server)/\(server)-dhcp4.json"
    try Data(try render(template, server: server, edit: edit).utf8).write(
      to: URL(fileURLWithPath: host(config)))
    try launch("\(server).dhcp4", server: server, ["/usr/sbin/kea-dhcp4", "-c", config])
  }

  /// Runs a program inside the chroot in the server's run folder, with every KEA_* folder
  /// pointing there: Kea 2.6 and 3.0 refuse lease, log and socket files elsewhere. The shell
  /// execs the daemon, so the process started here is the daemon itself.
  private func launch(_ key: String, server: String, _ command: [String]) throws {
    let folder = "\(runInside)/\(server)"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/chroot")
    process.arguments =
      [
        root, "/bin/sh", "-c",
        #"d=$1; shift; cd "$d" || exit 1; export KEA_PIDFILE_DIR="$d" KEA_LOCKFILE_DIR="$d" KEA_CONTROL_SOCKET_DIR="$d" KEA_DHCP_DATA_DIR="$d" KEA_LOG_FILE_DIR="$d"; exec "$@""#,
        "sh", folder,
      ] + command
    process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
    let logPath = host("\(folder)/\(key).stdout")
    FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = FileHandle(forWritingAtPath: logPath)
    process.standardOutput = log
    process.standardError = log
    try process.run()
    processes[key] = process
  }

  /// What a daemon printed, for a failure message.
  func output(_ key: String) -> String {
    let server = String(key.prefix { $0 != "." })
    return
      (try? String(
        contentsOfFile: host("\(runInside)/\(server)/\(key).stdout"), encoding: .utf8)) ?? ""
  }

  /// SIGKILL: a crash.
  func kill(_ key: String) {
    guard let process = processes.removeValue(forKey: key) else { return }
    Glibc.kill(process.processIdentifier, SIGKILL)
    var status: Int32 = 0
    _ = waitpid(process.processIdentifier, &status, 0)
  }

  func stopAll() {
    for (_, process) in processes { Glibc.kill(process.processIdentifier, SIGTERM) }
    for (_, process) in processes {
      let pid = process.processIdentifier
      var status: Int32 = 0
      let deadline = Date().addingTimeInterval(2)
      var gone = false
      while Date() < deadline {
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid || (reaped == -1 && errno == ECHILD) {
          gone = true
          break
        }
        usleep(20_000)
      }
      if !gone {
        Glibc.kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
      }
    }
    processes.removeAll()
    try? FileManager.default.removeItem(atPath: host(runInside))
  }
}

/// A Kea lab that can say what it runs and what its first server printed, for a test that
/// timed out waiting on it.
protocol KeaLabDiagnosing {
  var diagnosis: String { get }
}

extension KeaChrootLab: KeaLabDiagnosing {
  var diagnosis: String { "Kea \(version); server1: \(output("server1.dhcp4").suffix(800))" }
}

extension KeaLab: KeaLabDiagnosing {
  var diagnosis: String { "Kea 2.2 (this machine's), in \(folder.path)" }
}
