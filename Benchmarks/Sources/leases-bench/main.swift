import Collectors
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

// leases-bench [--megabytes N] [--keep]
// Writes a dhcpd leases file of about N MB (lease blocks, with a failover stanza every 200
// leases, as a busy server's file looks between rewrites), then reads it the way a run does and
// prints the time and the process's peak resident memory.

var megabytes = 1024
var keep = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--megabytes": megabytes = Int(arguments.next() ?? "") ?? megabytes
  case "--keep": keep = true
  default:
    FileHandle.standardError.write(Data("leases-bench: unknown argument \(argument)\n".utf8))
    exit(2)
  }
}

func peakRSSMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

let path = FileManager.default.temporaryDirectory.appendingPathComponent(
  "leases-bench-\(getpid()).leases"
).path
FileManager.default.createFile(atPath: path, contents: nil)
guard let handle = FileHandle(forWritingAtPath: path) else { exit(1) }
let states = ["normal", "communications-interrupted", "partner-down", "recover-wait"]
var written = 0
var index = 0
let target = megabytes * 1_000_000
while written < target {
  var block = ""
  for _ in 0..<200 {
    let address = "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)"
    block += """
      lease \(address) {
        starts 4 2026/11/19 10:00:00;
        ends 4 2026/11/19 10:10:00;
        tstp 4 2026/11/19 10:10:00;
        cltt 4 2026/11/19 10:00:00;
        binding state active;
        next binding state expired;
        hardware ethernet 52:54:00:\(String(format: "%02x:%02x:%02x", index >> 16 & 255, index >> 8 & 255, index & 255));
        client-hostname "host-\(index)";
      }

      """
    index += 1
  }
  block += """
    failover peer "bench-fo" state {
      my state \(states[index / 200 % states.count]) at 4 2026/11/19 10:\(String(format: "%02d", index / 200 % 60)):00;
      partner state normal at 4 2026/11/19 10:00:00;
      mclt 3600;
    }

    """
  let bytes = Data(block.utf8)
  handle.write(bytes)
  written += bytes.count
}
try? handle.close()
let writtenRSS = peakRSSMegabytes()
let start = DispatchTime.now().uptimeNanoseconds
let result = try LeasesFileReader.read(path: path)
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print(
  String(
    format:
      "file=%.0f MB leases=%d read=%.2f s (%.0f MB/s) peak RSS=%.0f MB (%.0f MB before reading) last state=%@",
    Double(written) / 1e6, index, seconds, Double(written) / 1e6 / seconds, peakRSSMegabytes(),
    writtenRSS, result.peers.first?.myState ?? "none"))
if !keep { try? FileManager.default.removeItem(atPath: path) }
