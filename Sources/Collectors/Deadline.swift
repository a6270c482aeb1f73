import Snapshot

/// Runs `operation`, or throws `failure` once `seconds` have passed without it finishing; the
/// operation is then cancelled. For exchanges whose library timeouts do not cover every step
/// (a body trickling in, a peer stalling mid-message).
func withDeadline<T: Sendable>(
  seconds: Double, orThrow failure: CollectionFailure,
  _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await operation() }
    group.addTask {
      try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
      throw failure
    }
    defer { group.cancelAll() }
    guard let first = try await group.next() else { throw failure }
    return first
  }
}
