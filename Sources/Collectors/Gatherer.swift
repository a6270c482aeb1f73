import AsyncHTTPClient
import Foundation
import NIOCore
import Snapshot

/// Asks every appliance of an inventory at once, at most `concurrency` at a time, and turns
/// each answer, or the reason there is none, into an observation. Nothing one appliance does
/// can stop the others or outlast the run's deadline.
public struct Gatherer: Sendable {
  public var settings: CollectionSettings
  public var environment: [String: String]

  public init(settings: CollectionSettings, environment: [String: String]) {
    self.settings = settings
    self.environment = environment
  }

  /// Observations in inventory order. `progress` hears (done, total) after each appliance.
  public func collect(
    _ inventory: Inventory, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) async -> [ApplianceObservation] {
    var configuration = HTTPClient.Configuration()
    configuration.timeout = HTTPClient.Configuration.Timeout(
      connect: .milliseconds(Int64(settings.timeout * 1000)),
      read: .milliseconds(Int64(settings.timeout * 1000)))
    configuration.redirectConfiguration = .disallow
    configuration.decompression = .disabled
    // As many connections per host as appliances are asked at once: several appliances can
    // sit behind one address (Control Agents on one host, a proxy), and a hung one must not
    // hold the connections the others wait for.
    configuration.connectionPool = .init(
      idleTimeout: .seconds(30),
      concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, settings.concurrency))
    // A refused connection is an answer ("nothing listens there"): report it at once instead
    // of retrying until the timeout.
    configuration.connectionPool.retryConnectionEstablishment = false
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let runDeadline = settings.clock().addingTimeInterval(settings.deadline)
    let entries = inventory.appliances
    var results = [ApplianceObservation?](repeating: nil, count: entries.count)
    await withTaskGroup(of: (Int, ApplianceObservation).self) { group in
      var next = 0
      func startNext() {
        guard next < entries.count else { return }
        let index = next
        next += 1
        let entry = entries[index]
        // An appliance's time starts when it is sent on its way, not when a busy machine gets
        // round to running its task: 2,000 appliances asked at once started up to half a
        // second late, and the silent ones ended that much past their timeout.
        let dispatched = settings.clock()
        group.addTask {
          (
            index,
            await self.observe(
              entry, client: client, dispatched: dispatched, runDeadline: runDeadline)
          )
        }
      }
      for _ in 0..<max(1, settings.concurrency) { startNext() }
      var done = 0
      while let (index, observation) = await group.next() {
        results[index] = observation
        done += 1
        progress?(done, entries.count)
        startNext()
      }
    }
    try? await client.shutdown()
    return results.enumerated().map { index, result in
      result
        ?? ApplianceObservation(
          name: entries[index].name, kind: entries[index].kind, site: entries[index].site,
          endpoint: "", service: entries[index].service, askedAt: settings.clock(),
          durationMilliseconds: 0,
          failure: CollectionFailure(.timeout, "the run's deadline passed before it was asked"))
    }
  }

  private func observe(
    _ entry: ApplianceEntry, client: HTTPClient, dispatched: Date, runDeadline: Date
  ) async -> ApplianceObservation {
    let timeout = entry.timeout ?? settings.timeout
    let deadline = min(runDeadline, dispatched.addingTimeInterval(timeout))
    var perEntry = settings
    perEntry.timeout = timeout
    switch entry.kind {
    case .kea:
      return await KeaCollector(
        client: client, entry: entry, settings: perEntry, environment: environment,
        deadline: deadline
      ).collect()
    case .dhcpd where entry.omapi != nil:
      return await OMAPICollector(entry: entry, settings: perEntry, deadline: deadline).collect()
    case .dhcpd:
      return LeasesFileCollector(entry: entry, settings: perEntry).collect()
    case .edgeconnect where entry.url != nil || entry.deployment != nil:
      return await EdgeConnectCollector(
        client: client, entry: entry, settings: perEntry, environment: environment,
        deadline: deadline
      ).collect()
    case .edgeconnect:
      return FailoverTableCollector(entry: entry, settings: perEntry).collect()
    }
  }
}
