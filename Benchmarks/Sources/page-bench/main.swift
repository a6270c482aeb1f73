import Assessment
import Foundation
import Report
import Snapshot
import Validation

// page-bench --servers N [--iterations K] [--write PAGE] [--detail-limit N]
// Builds a snapshot of N Kea servers (N/2 load-balancing pairs, one in ten in partner-down),
// then times each stage from snapshot to a page that may be published: assessment, rendering,
// validation (libxml2: parse, RelaxNG schema, policy walk), and validation without the schema
// (parse and policy only) to tell the two apart.

var servers = 10_000
var iterations = 3
var pagePath: String?
var detailLimit = PageRenderer.defaultDetailLimit
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--servers": servers = Int(arguments.next() ?? "") ?? servers
  case "--iterations": iterations = max(1, Int(arguments.next() ?? "") ?? iterations)
  case "--write": pagePath = arguments.next()
  case "--detail-limit": detailLimit = Int(arguments.next() ?? "") ?? detailLimit
  default:
    FileHandle.standardError.write(Data("page-bench: unknown argument \(argument)\n".utf8))
    exit(2)
  }
}

func makeSnapshot(servers: Int) -> Snapshot {
  let now = Date(timeIntervalSince1970: 1_795_300_000)
  var observations: [ApplianceObservation] = []
  for pair in 0..<(servers / 2) {
    let names = ["kea-\(pair)-a", "kea-\(pair)-b"]
    let failed = pair % 10 == 0
    let peers = names.enumerated().map { index, name in
      KeaPeer(
        name: name, role: index == 0 ? "primary" : "secondary",
        url: "http://10.0.\(pair % 250).\(index)/", autoFailover: true)
    }
    for (index, name) in names.enumerated() {
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
          name: name, kind: .kea, site: "site-\(pair % 20)", endpoint: peers[index].url ?? "",
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

func seconds<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let start = DispatchTime.now().uptimeNanoseconds
  let result = try body()
  return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

let snapshot = makeSnapshot(servers: servers)
let renderer = try PageRenderer(assets: .embedded, detailLimit: detailLimit)
let validator = PageValidator(schema: Assets.embedded.templates["schema.rng"])
var assessTimes: [Double] = []
var renderTimes: [Double] = []
var encodeTimes: [Double] = []
var validateTimes: [Double] = []
var withoutSchemaTimes: [Double] = []
var pageBytes = 0
var problemCount = 0
for _ in 0..<iterations {
  let (assessment, assessTime) = seconds { Assessor.assess(snapshot) }
  let (json, encodeTime) = try seconds { Array(try Snapshot.makeEncoder().encode(snapshot)) }
  let (page, pageTime) = try seconds { try renderer.render(assessment, snapshotJSON: json) }
  let renderTime = encodeTime + pageTime
  encodeTimes.append(encodeTime)
  if ProcessInfo.processInfo.environment["COMPACT"] != nil {
    let (_, compactTime) = try seconds { try JSONEncoder().encode(snapshot) }
    print("compact unsorted encode \(compactTime)")
  }
  let (problems, validateTime) = seconds { validator.validate(page) }
  let (_, withoutSchemaTime) = seconds { PageValidator(schema: nil).validate(page) }
  assessTimes.append(assessTime)
  renderTimes.append(renderTime)
  validateTimes.append(validateTime)
  withoutSchemaTimes.append(withoutSchemaTime)
  pageBytes = page.count
  if let pagePath { FileManager.default.createFile(atPath: pagePath, contents: Data(page)) }
  problemCount = problems.count
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let assess = median(assessTimes)
let render = median(renderTimes)
let encode = median(encodeTimes)
let validate = median(validateTimes)
let withoutSchema = median(withoutSchemaTimes)
print(
  String(
    format:
      "servers=%d page=%.1f MB problems=%d assess=%.0f ms render=%.0f ms (snapshot JSON %.0f ms) validate=%.0f ms (%.0f %% of render; %.0f ms of it without the schema) total=%.0f ms",
    servers, Double(pageBytes) / 1e6, problemCount, assess * 1000, render * 1000, encode * 1000,
    validate * 1000,
    validate / render * 100, withoutSchema * 1000, (assess + render + validate) * 1000))
