import Foundation

/// Bytes written in order by one thread and read, as they arrive, by any number of others: a
/// page that libxml2 validates and the publisher writes to disk while it is still being
/// rendered.
///
/// The stream keeps every segment written until it is released, so each reader sees all of
/// it from the start whenever it begins, and `joined()` gives the whole once the writer is done.
/// Segments are shared, never copied, between the writer and the readers.
public final class ByteStream: @unchecked Sendable {
  /// How the writer left the stream.
  public enum Ending: Sendable, Equatable {
    /// Still being written.
    case open
    /// Every byte is in.
    case finished
    /// The writer gave up (rendering failed); what was written is not a whole.
    case abandoned
  }

  // Guards `segments`, `count` and `ending`; readers wait on it for more.
  private let condition = NSCondition()
  private var segments: [[UInt8]] = []
  private var count = 0
  private var ending = Ending.open

  public init() {}

  /// A finished stream of `bytes`, for what reads streams to read bytes already whole.
  public convenience init(_ bytes: [UInt8]) {
    self.init()
    write(bytes)
    finish()
  }

  /// Adds `segment` at the end. Empty segments are dropped: a reader takes an empty
  /// segment for the end.
  public func write(_ segment: [UInt8]) {
    guard !segment.isEmpty else { return }
    condition.lock()
    precondition(ending == .open, "a byte stream written after it ended")
    segments.append(segment)
    count += segment.count
    condition.broadcast()
    condition.unlock()
  }

  /// Every byte is in; readers see the end once they have read them.
  public func finish() { end(.finished) }

  /// The writer failed: readers see the end at once, as `abandoned`, and stop.
  public func abandon() { end(.abandoned) }

  private func end(_ how: Ending) {
    condition.lock()
    if ending == .open { ending = how }
    condition.broadcast()
    condition.unlock()
  }

  /// Waits until the writer is done, then tells how.
  public func waitForEnding() -> Ending {
    condition.lock()
    defer { condition.unlock() }
    while ending == .open { condition.wait() }
    return ending
  }

  /// Every byte, once the writer has finished; nil if it abandoned the stream.
  public func joined() -> [UInt8]? {
    guard waitForEnding() == .finished else { return nil }
    condition.lock()
    let all = segments
    condition.unlock()
    if all.count == 1 { return all[0] }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    for segment in all { bytes.append(contentsOf: segment) }
    return bytes
  }

  /// How many bytes have been written so far: all of them once the writer has finished.
  public var byteCount: Int {
    condition.lock()
    defer { condition.unlock() }
    return count
  }

  /// A reader from the first byte.
  public func makeReader() -> Reader { Reader(stream: self) }

  /// One reader's place in the stream.
  public struct Reader: Sendable {
    /// The stream read.
    public let stream: ByteStream
    private var next = 0

    init(stream: ByteStream) { self.stream = stream }

    /// The next segment, waiting for the writer if it has not come yet; nil at the end (see
    /// `stream.waitForEnding()` for whether the end is whole or abandoned).
    public mutating func nextSegment() -> [UInt8]? {
      stream.condition.lock()
      defer { stream.condition.unlock() }
      while true {
        if stream.ending == .abandoned { return nil }
        if next < stream.segments.count {
          next += 1
          return stream.segments[next - 1]
        }
        if stream.ending == .finished { return nil }
        stream.condition.wait()
      }
    }
  }
}
