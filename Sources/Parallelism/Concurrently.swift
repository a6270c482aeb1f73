import Foundation

/// Runs `first` and `second` at the same time, on two threads, and returns both results. For
/// two independent pieces of a large run's work (assessing a snapshot and encoding its JSON).
///
/// Both closures are `@Sendable` because one of them runs on another thread: a closure written
/// in main-actor code (a script's top level) would otherwise be main-actor isolated, and the
/// runtime stops the process when it runs anywhere else.
public func concurrently<First, Second>(
  _ first: @Sendable () -> First, _ second: @Sendable () -> Second
) -> (First, Second) {
  nonisolated(unsafe) var firstResult: First?
  nonisolated(unsafe) var secondResult: Second?
  withoutActuallyEscaping(first) { first in
    withoutActuallyEscaping(second) { second in
      let work = (first, second)
      DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 { firstResult = work.0() } else { secondResult = work.1() }
      }
    }
  }
  // concurrentPerform returns only when both have run.
  guard let firstResult, let secondResult else { return (first(), second()) }
  return (firstResult, secondResult)
}
