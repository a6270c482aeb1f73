import Foundation
import Parallelism
import Testing

/// The stream a page is rendered into while the gate and the publisher read it.
@Suite("Byte streams and ordered chunks")
struct ByteStreamTests {
  @Test("readers started before, during and after the writing each read every byte, in order")
  func readersSeeEverything() {
    let stream = ByteStream()
    let segments = (0..<500).map { index in [UInt8](repeating: UInt8(index % 251), count: index % 7)
    }
    let expected = segments.flatMap { $0 }
    func readAll() -> DedicatedThread<[UInt8]> {
      DedicatedThread(name: "reader") {
        var reader = stream.makeReader()
        var bytes: [UInt8] = []
        while let segment = reader.nextSegment() {
          #expect(!segment.isEmpty)
          bytes += segment
        }
        return bytes
      }
    }
    let early = readAll()
    for segment in segments.prefix(250) { stream.write(segment) }
    let middle = readAll()
    for segment in segments.dropFirst(250) { stream.write(segment) }
    stream.finish()
    let late = readAll()
    #expect(early.wait() == expected)
    #expect(middle.wait() == expected)
    #expect(late.wait() == expected)
    #expect(stream.joined() == expected)
    #expect(stream.waitForEnding() == .finished)
  }

  @Test("an abandoned stream ends its waiting readers at once, and has no whole")
  func abandoned() {
    let stream = ByteStream()
    stream.write([1, 2, 3])
    let reader = DedicatedThread(name: "reader") { () -> Int in
      var reader = stream.makeReader()
      var segments = 0
      while reader.nextSegment() != nil { segments += 1 }
      return segments
    }
    stream.abandon()
    // A reader that got to the first segment before the abandon counts it; none waits on.
    #expect(reader.wait() <= 1)
    #expect(stream.waitForEnding() == .abandoned)
    #expect(stream.joined() == nil)
    var after = stream.makeReader()
    #expect(after.nextSegment() == nil)
  }

  @Test(
    "chunks are consumed in order, each once, whatever order they finish in",
    arguments: [1, 5, 16, 1_000])
  func chunksInOrder(count: Int) {
    var seen: [Range<Int>] = []
    ConcurrentChunks.forEachInOrder(count: count) { range in
      // Later chunks finish first more often than not.
      var spin = 0
      for _ in 0..<((count - range.lowerBound) * 200) { spin &+= 1 }
      return (range, spin)
    } consume: { result in
      seen.append(result.0)
      return true
    }
    #expect(seen.first?.lowerBound == 0)
    #expect(seen.last?.upperBound == count)
    for (previous, next) in zip(seen, seen.dropFirst()) {
      #expect(previous.upperBound == next.lowerBound)
    }
    #expect(seen.count == min(count, 16))
  }

  @Test(
    "a consumer that stops is given no more chunks, and every chunk begun has ended when the call returns"
  )
  func consumerStops() {
    let started = Counter()
    let ended = Counter()
    var consumed = 0
    ConcurrentChunks.forEachInOrder(count: 16) { range in
      started.add()
      var spin = 0
      for _ in 0..<200_000 { spin &+= 1 }
      ended.add()
      return spin
    } consume: { _ in
      consumed += 1
      return consumed < 2
    }
    #expect(consumed == 2)
    #expect(started.value >= 2)
    #expect(ended.value == started.value)
  }
}

/// A count shared by the chunks.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0

  func add() {
    lock.lock()
    count += 1
    lock.unlock()
  }

  var value: Int {
    lock.lock()
    defer { lock.unlock() }
    return count
  }
}
