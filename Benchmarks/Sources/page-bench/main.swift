import Assessment
import Foundation
import Parallelism
import Publishing
import Report
import Snapshot
import Validation

// page-bench --servers N [--iterations K] [--write PAGE] [--detail-limit N] [--foundation-json]
//            [--silent-percent P] [--sequential] [--whole-page] [--published-only] [--sites S]
//            [--write-regions DIR --regions R]
// Builds a snapshot of N Kea servers (N/2 load-balancing pairs, one in ten in partner-down),
// then measures each stage from snapshot to a page that may be published, in CPU seconds (what
// it costs) and wall seconds: assessment, rendering (the snapshot's JSON and the page),
// validation (libxml2: parse, RelaxNG schema, policy walk), and validation without the schema
// (parse and policy only) to tell the two apart. Then the whole way from snapshot to a
// published page as `run` goes it, in wall seconds.

var servers = 10_000
var iterations = 3
var pagePath: String?
var detailLimit = PageRenderer.defaultDetailLimit
/// Encode the snapshot with Foundation's `JSONEncoder` (the reference, and what `run` used
/// before session 6) instead of `Snapshot.encodedJSON()`, to compare the two.
var foundationJSON = false
/// The B server of one pair in (50 / P), the partner-down pairs first, never answered (as in
/// a real run, where the partner of a server in partner-down is usually the one that is down):
/// it then has no status and no configuration of its own, and is placed by its partner's.
var silentPercent = 0
/// In the published path, assess and encode one after the other (as `run` did before session
/// 7), and validate, then write the files (as it did before session 9).
var sequential = false
/// In the published path, render the whole page, then validate it while the files are
/// written (as `run` did in sessions 9 and 10), instead of validating and writing the page as
/// it is rendered.
var wholePage = false
/// The sites the servers are spread over (the page has a section per site).
var siteCount = 20
/// Time only the published path, not each stage on its own first: the process's peak RSS is
/// then what `run` needs, without what the stages left in the allocator.
var publishedOnly = false
/// `--write-regions DIR --regions R`: write the snapshot split into R regional runs' published
/// folders (DIR/region-1 …, each a snapshot.json and its .sha256), for timing
/// `failover-report merge` on them, then stop.
var regionsFolder: String?
var regionCount = 20
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--servers": servers = Int(arguments.next() ?? "") ?? servers
  case "--iterations": iterations = max(1, Int(arguments.next() ?? "") ?? iterations)
  case "--write": pagePath = arguments.next()
  case "--detail-limit": detailLimit = Int(arguments.next() ?? "") ?? detailLimit
  case "--foundation-json": foundationJSON = true
  case "--sequential": sequential = true
  case "--published-only": publishedOnly = true
  case "--whole-page": wholePage = true
  case "--sites": siteCount = max(1, Int(arguments.next() ?? "") ?? siteCount)
  case "--silent-percent": silentPercent = Int(arguments.next() ?? "") ?? silentPercent
  case "--write-regions": regionsFolder = arguments.next()
  case "--regions": regionCount = max(1, Int(arguments.next() ?? "") ?? regionCount)
  default:
    FileHandle.standardError.write(Data("page-bench: unknown argument \(argument)\n".utf8))
    exit(2)
  }
}

func makeSnapshot(servers: Int, silentPercent: Int, siteCount: Int) -> Snapshot {
  let now = Date(timeIntervalSince1970: 1_795_300_000)
  var observations: [ApplianceObservation] = []
  let silentEvery = silentPercent > 0 ? max(1, 50 / silentPercent) : 0
  for pair in 0..<(servers / 2) {
    let names = ["kea-\(pair)-a", "kea-\(pair)-b"]
    let failed = pair % 10 == 0
    let peers = names.enumerated().map { index, name in
      KeaPeer(
        name: name, role: index == 0 ? "primary" : "secondary",
        url: "http://10.\(pair / 250).\(pair % 250).\(index)/", autoFailover: true)
    }
    for (index, name) in names.enumerated() {
      if silentEvery > 0, pair % silentEvery == 0, index == 1 {
        observations.append(
          ApplianceObservation(
            name: name, kind: .kea, site: "site-\(pair % siteCount)",
            endpoint: peers[index].url ?? "",
            service: "dhcp4", askedAt: now, durationMilliseconds: 2000,
            failure: CollectionFailure(.timeout, "no answer within 2 s")))
        continue
      }
      let partner = names[1 - index]
      let state = failed ? (index == 0 ? "partner-down" : "load-balancing") : "load-balancing"
      let remote = KeaRemoteServer(
        age: failed && index == 0 ? 120 : 2, inTouch: true, lastScopes: [partner],
        lastState: failed && index == 0 ? "unavailable" : "load-balancing",
        role: index == 0 ? "secondary" : "primary", communicationInterrupted: failed && index == 0,
        connectingClients: 0, unackedClients: 0, unackedClientsLeft: 0, analyzedPackets: 0)
      let status = KeaStatus(
        result: 0, pid: 100 + pair, uptime: 1000,
        relationships: [
          KeaRelationshipStatus(
            mode: "load-balancing",
            local: KeaLocalServer(
              role: index == 0 ? "primary" : "secondary",
              scopes: failed && index == 0 ? names : [name], state: state),
            remote: remote)
        ],
        configuration: [
          KeaHAConfiguration(
            thisServerName: name, mode: "load-balancing", heartbeatDelay: 10000,
            maxResponseDelay: 60000,
            maxAckDelay: 10000, maxUnackedClients: 10, delayedUpdatesLimit: 100, peers: peers)
        ])
      observations.append(
        ApplianceObservation(
          name: name, kind: .kea, site: "site-\(pair % siteCount)",
          endpoint: peers[index].url ?? "",
          service: "dhcp4",
          askedAt: now, durationMilliseconds: 3, kea: status,
          exchanges: [
            RawExchange(
              command: "status-get", httpStatus: 200, body: "{\"result\": 0}", truncated: false)
          ]))
    }
  }
  return Snapshot(
    generator: "page-bench", collectedAt: now, durationMilliseconds: 900, inventoryDigest: "0",
    appliances: observations)
}

/// Wall and CPU seconds (all threads of the process) that `body` took.
struct Cost {
  var wall = 0.0
  var cpu = 0.0
}

func cpuNow() -> Double {
  var spec = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
  return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func measured<T>(_ body: () async throws -> T) async rethrows -> (T, Cost) {
  let wall = DispatchTime.now().uptimeNanoseconds
  let cpu = cpuNow()
  let result = try await body()
  return (
    result,
    Cost(wall: Double(DispatchTime.now().uptimeNanoseconds - wall) / 1e9, cpu: cpuNow() - cpu)
  )
}

func encoded(_ snapshot: Snapshot, foundation: Bool) throws -> [UInt8] {
  foundation ? Array(try Snapshot.makeEncoder().encode(snapshot)) : snapshot.encodedJSON()
}

/// A kB figure from /proc/self/status ("VmHWM", "VmRSS").
func statusLine(_ name: String) -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return nil
  }
  for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
    return Int(line.dropFirst(name.count + 1).filter(\.isNumber))
  }
  return nil
}

/// The processor the figures were taken on: this project's VMs are all "2 cores", but not all
/// the same cores, and wall times differ by two to three times between them.
func hostDescription() -> String {
  let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
  func field(_ name: String) -> String {
    info.split(separator: "\n").first { $0.hasPrefix(name) }?.split(separator: ":").last
      .map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
  }
  return
    "host=\"\(field("model name")) family \(field("cpu family")) model \(field("model\t"))\" cpus=\(ProcessInfo.processInfo.activeProcessorCount)"
}

let snapshot = makeSnapshot(servers: servers, silentPercent: silentPercent, siteCount: siteCount)
if let regionsFolder {
  // Whole pairs per region, so no relationship spans two regions; each region an hour's
  // worth of seconds apart at most, all within the default maximum age.
  let pairsPerRegion = (snapshot.appliances.count / 2 + regionCount - 1) / regionCount
  var arguments: [String] = []
  for region in 0..<regionCount {
    let part = snapshot.appliances.dropFirst(region * pairsPerRegion * 2).prefix(pairsPerRegion * 2)
    var regional = snapshot
    regional.appliances = Array(part)
    regional.collectedAt = snapshot.collectedAt.addingTimeInterval(Double(-region * 10))
    let folder = "\(regionsFolder)/region-\(region + 1)"
    try Publisher(folder: folder).prepare()
    let bytes = regional.encodedJSON()
    try AtomicFile.write(bytes, to: folder + "/snapshot.json")
    try AtomicFile.write(
      Array(Publisher.sha256Line(bytes, name: "snapshot.json").utf8),
      to: folder + "/snapshot.json.sha256")
    arguments.append("--region region-\(region + 1)=\(folder)")
  }
  print(arguments.joined(separator: " "))
  exit(0)
}
let renderer = try PageRenderer(assets: .embedded, detailLimit: detailLimit)
let validator = PageValidator(schema: Assets.embedded.templates["schema.rng"])
let publishFolder = FileManager.default.temporaryDirectory.appendingPathComponent(
  "page-bench-\(getpid())")
try Publisher(folder: publishFolder.path).prepare()
var assessCosts: [Cost] = []
var encodeCosts: [Cost] = []
var renderCosts: [Cost] = []
var validateCosts: [Cost] = []
var withoutSchemaCosts: [Cost] = []
var publishedCosts: [Cost] = []
var publishedPeaks: [Double] = []
var pageBytes = 0
var problemCount = 0
for _ in 0..<iterations {
  // Each stage on its own, for what it costs; in a block of its own, so that none of what it
  // made is alive while the published path below runs, and the peak RSS is what `run` needs.
  if !publishedOnly {
    let (assessment, assessCost) = await measured { Assessor.assess(snapshot) }
    let (json, encodeCost) = try await measured {
      try encoded(snapshot, foundation: foundationJSON)
    }
    let (page, pageCost) = try await measured {
      try renderer.render(assessment, snapshotJSON: json)
    }
    let (problems, validateCost) = await measured { validator.validate(page) }
    let (_, withoutSchemaCost) = await measured { PageValidator(schema: nil).validate(page) }
    assessCosts.append(assessCost)
    encodeCosts.append(encodeCost)
    renderCosts.append(
      Cost(wall: encodeCost.wall + pageCost.wall, cpu: encodeCost.cpu + pageCost.cpu))
    validateCosts.append(validateCost)
    withoutSchemaCosts.append(withoutSchemaCost)
    pageBytes = page.count
    if let pagePath { FileManager.default.createFile(atPath: pagePath, contents: Data(page)) }
    problemCount = problems.count
  }
  // The whole way from snapshot to a published page, as `run` goes it (ReportJob.publish):
  // the assessment, the JSON, the page, the gate, and the atomic publish of page, digest and
  // snapshot.
  // From here on, the high-water mark is the published path's own (Linux: writing 5 to
  // clear_refs resets VmHWM to the current RSS).
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
  let (published, publishedCost) = try await measured { () -> Bool in
    // Since session 11, `run` escapes the snapshot for the page beside the assessment too.
    let (assessed, embedded) =
      sequential
      ? (
        Assessor.assess(snapshot),
        EmbeddedSnapshot(json: try encoded(snapshot, foundation: foundationJSON))
      )
      : concurrently(
        { [snapshot] in Assessor.assess(snapshot) },
        { [snapshot, foundationJSON] in
          EmbeddedSnapshot(json: (try? encoded(snapshot, foundation: foundationJSON)) ?? [])
        })
    let bytes = embedded.json
    let publisher = Publisher(folder: publishFolder.path)
    if sequential || wholePage {
      let published = try renderer.render(assessed, embedding: embedded)
      if sequential {
        guard validator.validate(published).isEmpty else { return false }
        try publisher.publish(page: published, snapshot: bytes)
        return true
      }
      // As `run` did in sessions 9 and 10: the files are written while the page is validated.
      let (problems, staged) = concurrently(
        { validator.validate(published) },
        { Result { try publisher.stage(page: published, snapshot: bytes) } })
      guard problems.isEmpty else {
        (try? staged.get())?.discard()
        return false
      }
      try staged.get().commit()
      return true
    }
    // As `run` does since session 11: the page is validated and written as it is rendered.
    let stream = ByteStream()
    let validation = DedicatedThread(name: "validate") { validator.validate(stream) }
    let staging = DedicatedThread(name: "stage") {
      Result { try publisher.stage(page: stream, snapshot: bytes) }
    }
    try renderer.render(assessed, embedding: embedded, to: stream)
    let staged = try staging.wait().get()
    guard validation.wait().isEmpty else {
      staged.discard()
      return false
    }
    try staged.commit()
    return true
  }
  // A page the gate refused is not a published page: its time would flatter the path.
  guard published else {
    FileHandle.standardError.write(Data("page-bench: the page failed the gate\n".utf8))
    exit(1)
  }
  publishedCosts.append(publishedCost)
  publishedPeaks.append(Double(statusLine("VmHWM") ?? 0) / 1024)
}
try? FileManager.default.removeItem(at: publishFolder)
func median(_ costs: [Cost], _ part: KeyPath<Cost, Double>) -> Double {
  costs.map { $0[keyPath: part] }.sorted()[costs.count / 2]
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let peaks = String(
  format: "peak RSS %.0f MB (of the process; the published path alone: %.0f MB)",
  Double(usage.ru_maxrss) / 1024, publishedPeaks.max() ?? 0)
if publishedOnly {
  print(
    hostDescription() + " "
      + String(
        format: "servers=%d | snapshot to published page: %.0f ms wall (%.0f–%.0f ms), ", servers,
        median(publishedCosts, \.wall) * 1000, (publishedCosts.map(\.wall).min() ?? 0) * 1000,
        (publishedCosts.map(\.wall).max() ?? 0) * 1000) + peaks)
  exit(0)
}
let render = median(renderCosts, \.cpu)
let validate = median(validateCosts, \.cpu)
print(
  hostDescription() + " "
    + String(
      format:
        "servers=%d page=%.1f MB problems=%d | CPU: assess=%.0f ms render=%.0f ms (snapshot JSON %.0f ms) validate=%.0f ms (%.0f %% of render; %.0f ms without the schema) | wall: assess=%.0f ms render=%.0f ms validate=%.0f ms | snapshot to published page: %.0f ms wall, ",
      servers, Double(pageBytes) / 1e6, problemCount, median(assessCosts, \.cpu) * 1000,
      render * 1000, median(encodeCosts, \.cpu) * 1000, validate * 1000, validate / render * 100,
      median(withoutSchemaCosts, \.cpu) * 1000, median(assessCosts, \.wall) * 1000,
      median(renderCosts, \.wall) * 1000,
      median(validateCosts, \.wall) * 1000, median(publishedCosts, \.wall) * 1000) + peaks)
