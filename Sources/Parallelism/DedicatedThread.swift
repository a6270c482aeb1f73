import Foundation

/// Work on a thread of its own, for work that waits on other work: a reader of a stream that
/// is still being written. Such work must never hold one of Dispatch's pool threads, which
/// are as many as the cores: the writer's own chunks could then wait for a thread that only
/// the writer's progress would free.
public final class DedicatedThread<Result>: @unchecked Sendable {
  // Guards `result`; `wait()` waits on it.
  private let condition = NSCondition()
  private var result: Result?

  /// Starts `body` at once on a new thread.
  public init(name: String, _ body: @escaping @Sendable () -> Result) {
    let thread = Thread { [self] in
      let value = body()
      condition.lock()
      result = value
      condition.broadcast()
      condition.unlock()
    }
    thread.name = name
    thread.start()
  }

  /// What `body` returned, once it has.
  public func wait() -> Result {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let result { return result }
      condition.wait()
    }
  }
}
