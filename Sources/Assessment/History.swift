import Foundation

/// What earlier runs saw, rebuilt from archived snapshots: when each server last failed over.
public struct History: Sendable, Equatable {
  /// For each server name, the last time its partner took over from it.
  public var lastFailovers: [String: Date]

  public init(lastFailovers: [String: Date] = [:]) {
    self.lastFailovers = lastFailovers
  }

  /// No history: every "last failover" is unknown.
  public static let empty = History()

  func lastFailover(of server: String) -> Date? { lastFailovers[server] }
}
