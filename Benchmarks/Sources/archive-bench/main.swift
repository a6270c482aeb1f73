import Assessment
import Foundation
import Publishing
import Snapshot

#if canImport(Glibc)
  import Glibc
#endif

// archive-bench --generate DIR [--runs N] [--relationships R]
// archive-bench --history DIR [--iterations K]
// --generate writes an archive as a year of runs every five minutes leaves it (105,120 runs by
// default): each run's summary (R relationships, default 20, whose severities change now and
// then, and a takeover now and then) and each month's runs.tsv. Pages and snapshots are not
// written: history does not read them.
// --history rebuilds history as a run does (the summaries of the last 31 days before the
// newest run) and prints the wall time of each rebuild and this process's peak RSS. Run it in a
// fresh process, so that the RSS is the rebuild's.

var generate: String?
var historyFolder: String?
var runs = 105_120
var relationships = 20
var iterations = 5
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--generate": generate = arguments.next()
  case "--history": historyFolder = arguments.next()
  case "--runs": runs = Int(arguments.next() ?? "") ?? runs
  case "--relationships": relationships = Int(arguments.next() ?? "") ?? relationships
  case "--iterations": iterations = max(1, Int(arguments.next() ?? "") ?? iterations)
  default:
    FileHandle.standardError.write(Data("archive-bench: unknown argument \(argument)\n".utf8))
    exit(2)
  }
}

/// The first run: 2026-01-01T00:00:00Z.
let firstRun = Date(timeIntervalSince1970: 1_767_225_600)

func milliseconds(since start: UInt64) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

if let folder = generate {
  let start = DispatchTime.now().uptimeNanoseconds
  var manifests: [String: [String]] = [:]
  var lastFailovers: [String: Date] = [:]
  let severities: [Severity] = [.ok, .ok, .ok, .warning, .ok, .critical]
  for index in 0..<runs {
    let at = firstRun.addingTimeInterval(Double(index) * 300)
    let iso = Timestamp.iso(at)
    let chars = Array(iso)
    let day = String(chars[0..<10]).replacingOccurrences(of: "-", with: "/")
    let stamp = String(chars[11..<19]).replacingOccurrences(of: ":", with: "") + "Z"
    // Every 500th run, pair 0's server b takes over from a for 12 runs.
    let takeover = index % 500 < 12
    if index % 500 == 0 { lastFailovers["pair-0-a"] = at }
    var records: [(id: String, record: RelationshipRecord)] = []
    for pair in 0..<relationships {
      let severity =
        pair == 0 && takeover ? .critical : severities[(index / 97 + pair) % severities.count]
      records.append(
        (
          "r-kea-dhcp4-pair-\(pair)",
          RelationshipRecord(
            name: "pair-\(pair)-a & pair-\(pair)-b", at: at, severity: severity,
            states: severity == .critical
              ? "unavailable/partner-down" : "load-balancing/load-balancing")
        ))
    }
    let summary = RunSummary(
      at: at, relationships: records, partnerDown: takeover ? ["pair-0-b"] : [],
      lastFailovers: lastFailovers)
    let dayFolder = "\(folder)/\(day)"
    if index % 288 == 0 || !FileManager.default.fileExists(atPath: dayFolder) {
      try FileManager.default.createDirectory(atPath: dayFolder, withIntermediateDirectories: true)
    }
    try Data(RunSummaryText.encode(summary)).write(
      to: URL(fileURLWithPath: "\(dayFolder)/\(stamp)-summary.tsv"))
    let worst = Severity.worst(records.map(\.record.severity))
    manifests[String(day.prefix(7)), default: []].append(
      [
        iso, worst.rawValue, "run \(index)", "\(day)/\(stamp)-index.html",
        "\(day)/\(stamp)-snapshot.json",
      ].joined(separator: "\t"))
  }
  for (month, lines) in manifests {
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(
      to: URL(fileURLWithPath: "\(folder)/\(month)/runs.tsv"))
  }
  print(
    String(
      format: "generated runs=%d relationships=%d months=%d in %.1f s", runs, relationships,
      manifests.count, milliseconds(since: start) / 1000))
}

if let folder = historyFolder {
  let archive = Archive(folder: folder)
  guard let newest = archive.months().last.flatMap({ archive.tally(of: $0).latest }) else {
    FileHandle.standardError.write(Data("archive-bench: no runs in \(folder)\n".utf8))
    exit(1)
  }
  // The next run, five minutes after the newest.
  let decoder = Snapshot.makeDecoder()
  let quoted = Data("\"\(newest.time)\"".utf8)
  let now = ((try? decoder.decode(Date.self, from: quoted)) ?? Date()).addingTimeInterval(300)
  var times: [Double] = []
  var read = 0
  var skipped = 0
  for _ in 0..<iterations {
    let start = DispatchTime.now().uptimeNanoseconds
    let (history, skips) = archive.history(before: now)
    times.append(milliseconds(since: start))
    read = history.runs.count
    skipped = skips.count
  }
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let months = archive.months()
  let total = months.reduce(0) { $0 + archive.runCount(in: $1) }
  print(
    String(
      format:
        "archive runs=%d months=%d | history: %d summaries read, %d skipped | first %.1f ms, then %@ ms | peak RSS %.0f MB",
      total, months.count, read, skipped, times[0],
      times.dropFirst().map { String(format: "%.1f", $0) }.joined(separator: ", "),
      Double(usage.ru_maxrss) / 1024))
}
