import Dispatch

/// Work over a long list done on every core, in contiguous chunks whose results come back in
/// the list's order, so what is built or written does not depend on how the threads ran.
///
/// A page of 50,000 servers spends most of its time judging relationships, building one view
/// value per relationship and writing one table per relationship; each is independent from
/// item to item.
public enum ConcurrentChunks {
  /// Below this many items, one thread is faster than handing chunks out.
  public static let threshold = 256

  /// More chunks than cores, so a core that finishes early takes another.
  static let chunkCount = 16

  /// `body` over consecutive ranges that cover `0..<count`, on all cores; the results in the
  /// ranges' order.
  public static func map<Result: Sendable>(
    count: Int, _ body: @Sendable (Range<Int>) -> Result
  ) -> [Result] {
    let chunks = Swift.max(1, Swift.min(count, chunkCount))
    let results = UnsafeMutableBufferPointer<Result?>.allocate(capacity: chunks)
    results.initialize(repeating: nil)
    defer {
      results.deinitialize()
      results.deallocate()
    }
    // Each chunk writes only its own slot, and concurrentPerform returns when all have.
    nonisolated(unsafe) let slots = results
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let lower = count * chunk / chunks
      let upper = count * (chunk + 1) / chunks
      slots[chunk] = body(lower..<upper)
    }
    return results.map { result in
      guard let result else { preconditionFailure("concurrentPerform returned before a chunk ran") }
      return result
    }
  }

  /// `transform` over `items`, in order; on all cores when there is enough work: `threshold`
  /// items or more, or a `weight` (what the items hold, such as the relationships of a list of
  /// sites) that reaches it.
  public static func map<Item: Sendable, Result: Sendable>(
    _ items: [Item], weight: Int? = nil, _ transform: @Sendable (Item) -> Result
  ) -> [Result] {
    guard items.count > 1, (weight ?? items.count) >= threshold else {
      return items.map(transform)
    }
    let chunks = map(count: items.count) { range in items[range].map(transform) }
    var results: [Result] = []
    results.reserveCapacity(items.count)
    for chunk in chunks { results.append(contentsOf: chunk) }
    return results
  }
}
