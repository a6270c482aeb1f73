import Dispatch
import Foundation

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

  /// `body` over consecutive ranges that cover `0..<count`, on all cores, with each result
  /// handed to `consume` on the calling thread in the ranges' order as soon as it and those
  /// before it are done: a page's first sites go to the publish gate while the last are still
  /// being rendered. When `consume` returns false, the ranges not yet begun are skipped; either
  /// way, no `body` is running when this returns.
  public static func forEachInOrder<Result: Sendable>(
    count: Int, _ body: @escaping @Sendable (Range<Int>) -> Result,
    consume: (Result) -> Bool
  ) {
    let chunks = Swift.max(1, Swift.min(count, chunkCount))
    let slots = OrderedSlots<Result>(count: chunks)
    // The chunks run from a thread of their own, so that the calling thread is free to take
    // them in order, and none of Dispatch's pool threads waits on another.
    let producer = DedicatedThread(name: "chunks") {
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        guard !slots.isCancelled else { return slots.put(nil, at: chunk) }
        slots.put(body((count * chunk / chunks)..<(count * (chunk + 1) / chunks)), at: chunk)
      }
    }
    for chunk in 0..<chunks {
      guard let result = slots.take(chunk), consume(result) else {
        slots.cancel()
        break
      }
    }
    producer.wait()
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

/// The results of `forEachInOrder`'s chunks, each put by its producer and taken once, in
/// order, by the consumer.
private final class OrderedSlots<Result: Sendable>: @unchecked Sendable {
  // Guards `slots`, `filled` and `cancelled`.
  private let condition = NSCondition()
  private var slots: [Result?]
  private var filled: [Bool]
  private var cancelled = false

  init(count: Int) {
    slots = Array(repeating: nil, count: count)
    filled = Array(repeating: false, count: count)
  }

  var isCancelled: Bool {
    condition.lock()
    defer { condition.unlock() }
    return cancelled
  }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.unlock()
  }

  /// `result` for chunk `index`; nil for a chunk skipped after a cancel.
  func put(_ result: Result?, at index: Int) {
    condition.lock()
    slots[index] = result
    filled[index] = true
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for chunk `index`, and gives its result up (nil if it was skipped).
  func take(_ index: Int) -> Result? {
    condition.lock()
    defer { condition.unlock() }
    while !filled[index] { condition.wait() }
    let result = slots[index]
    slots[index] = nil
    return result
  }
}
