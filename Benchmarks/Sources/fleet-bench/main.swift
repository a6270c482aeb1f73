import Foundation
import Simulator

#if canImport(Glibc)
  import Glibc
#endif

// fleet-bench [--servers N] [--silent-percent P] [--slow-percent Q] [--timeout S]
//             [--binary PATH] [--log FILE]
// Starts N simulated Kea servers (N/2 load-balancing pairs) of which P % never answer and Q %
// answer status-get at once but their follow-up questions only after twice the timeout,
// writes their inventory, runs the failover-report binary on it as a child process, and prints
// the run's wall time, the child's peak resident memory, and how many follow-up questions
// went unanswered (with how many of those servers the page names). Build the binary first:
//   swift build -c release --product failover-report   (in the repository root)

var servers = 2000
var silentPercent = 5
var slowPercent = 0
var timeout = 2.0
/// With --log, the run logs its progress (-v) to this file instead of nowhere.
var logPath: String?
var binary = "../.build/release/failover-report"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--servers": servers = Int(arguments.next() ?? "") ?? servers
  case "--silent-percent": silentPercent = Int(arguments.next() ?? "") ?? silentPercent
  case "--slow-percent": slowPercent = Int(arguments.next() ?? "") ?? slowPercent
  case "--timeout": timeout = Double(arguments.next() ?? "") ?? timeout
  case "--log": logPath = arguments.next()
  case "--binary": binary = arguments.next() ?? binary
  default:
    FileHandle.standardError.write(Data("fleet-bench: unknown argument \(argument)\n".utf8))
    exit(2)
  }
}

// Silent B servers: one pair in every (50 / P) has its B server silent, so P % of all servers.
let pairs = servers / 2
let silentEvery = silentPercent > 0 ? max(1, 50 / silentPercent) : 0
// Slow A servers likewise: one pair in every (50 / Q) has its A server slow.
let slowEvery = slowPercent > 0 ? max(1, 50 / slowPercent) : 0
// Servers spread over 64 listening ports: real appliances each have an address of their own,
// and a client keeps one connection pool per host and port.
let simulator = try await Simulator.start(
  Scenario.fleet(
    pairs: pairs, silentEvery: silentEvery, slowEvery: slowEvery, slowSeconds: 2 * timeout),
  listeners: 64)
let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
  "fleet-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let yaml = simulator.keaInventoryYAML
let inventory = folder.appendingPathComponent("inventory.yaml")
try yaml.write(to: inventory, atomically: true, encoding: .utf8)

let snapshotPath = folder.appendingPathComponent("snapshot.json").path
let childArguments =
  [
    binary, "run", "--inventory", inventory.path, "--output",
    folder.appendingPathComponent("www").path, "--json", snapshotPath, "--timeout", "\(timeout)",
    "--concurrency", "\(servers)",
  ] + (logPath == nil ? [] : ["-v"])
// posix_spawn and wait4, not Foundation's Process: Process reaps its children itself, and the
// child's resource usage would be lost.
var fileActions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
posix_spawn_file_actions_init(&fileActions)
posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
posix_spawn_file_actions_addopen(
  &fileActions, 2, logPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
var argv: [UnsafeMutablePointer<CChar>?] = childArguments.map { strdup($0) } + [nil]
var pid: pid_t = 0
let start = DispatchTime.now().uptimeNanoseconds
guard posix_spawn(&pid, binary, &fileActions, nil, &argv, environ) == 0 else {
  FileHandle.standardError.write(Data("fleet-bench: cannot start \(binary)\n".utf8))
  exit(1)
}
var status: Int32 = 0
var usage = rusage()
_ = wait4(pid, &status, 0, &usage)
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
var collection = -1.0
// Follow-up questions left unanswered, and the servers that left them.
var unanswered = 0
var unansweredServers: [String] = []
if let data = FileManager.default.contents(atPath: snapshotPath),
  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
{
  collection = (json["durationMilliseconds"] as? Double ?? -1000) / 1000
  for appliance in json["appliances"] as? [[String: Any]] ?? [] {
    guard let questions = appliance["unanswered"] as? [Any], !questions.isEmpty else { continue }
    unanswered += questions.count
    unansweredServers.append(appliance["name"] as? String ?? "")
  }
}
// Each such server's note on the page: in its column of a full table ("config-get not
// answered (…)"), or on a healthy relationship's one-line row ("NAME: ha-heartbeat …").
let page =
  (try? String(contentsOf: folder.appendingPathComponent("www/index.html"), encoding: .utf8))
  ?? ""
let named = page.matches(
  of: /<span class="note">(?:[^<:]*: )?(?:config-get|ha-heartbeat) not answered \(/
).count
let silent = silentEvery > 0 ? (0..<pairs).filter { $0 % silentEvery == silentEvery / 2 }.count : 0
print(
  String(
    format:
      "servers=%d silent=%d timeout=%.1f s collection=%.2f s wall=%.2f s (timeout + %.2f s) peak RSS=%.0f MB exit=%d unanswered=%d on %d servers (%d named on the page)",
    servers, silent, timeout, collection, seconds, seconds - timeout,
    Double(usage.ru_maxrss) / 1024, (status >> 8) & 0xff, unanswered, unansweredServers.count,
    named))
await simulator.stop()
if let logPath {
  // Keep the run's snapshot beside the log, for per-appliance timings.
  try? FileManager.default.removeItem(atPath: logPath + ".snapshot.json")
  try? FileManager.default.copyItem(atPath: snapshotPath, toPath: logPath + ".snapshot.json")
}
try? FileManager.default.removeItem(at: folder)
