import Foundation
import NIOCore
import NIOPosix
import Snapshot

/// Reads one object from an OMAPI server (dhcpd's control port) over TCP: the introduction,
/// the authenticator when a key is given, then `open` by name. Every read is bounded by one
/// deadline and every message by a size cap; a reply signed with the wrong key is refused.
struct OMAPIClient {
  let host: String
  let port: Int
  let key: OMAPIKey?
  let deadline: Date
  /// The most bytes read from the server in all.
  var maximumBytes = 1024 * 1024

  /// Opens the object of `type` called `name` and returns the server's answer (an update).
  func open(type: String, name: String) async throws(CollectionFailure) -> OMAPIMessage {
    let seconds = deadline.timeIntervalSinceNow
    guard seconds > 0 else { throw CollectionFailure(.timeout, "no time left to ask OMAPI") }
    do {
      return try await withDeadline(
        seconds: seconds,
        orThrow: CollectionFailure(
          .timeout, "OMAPI at \(host):\(port) did not answer within \(Self.format(seconds)) s")
      ) { try await exchange(type: type, name: name, seconds: seconds) }
    } catch let failure as CollectionFailure {
      throw failure
    } catch let error as ChannelError {
      if case .connectTimeout = error {
        throw CollectionFailure(.timeout, "connecting to OMAPI at \(host):\(port) timed out")
      }
      throw Self.failure(for: error, host: host, port: port)
    } catch {
      throw Self.failure(for: error, host: host, port: port)
    }
  }

  private func exchange(type: String, name: String, seconds: Double) async throws -> OMAPIMessage {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(.milliseconds(Int64(seconds * 1000)))
      .connect(host: host, port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    return try await channel.executeThenClose { inbound, outbound in
      var reader = MessageReader(iterator: inbound.makeAsyncIterator(), limit: maximumBytes)
      try await outbound.write(ByteBuffer(bytes: OMAPIMessage.introduction))
      let introduction = try await reader.bytes(8)
      guard introduction == OMAPIMessage.introduction else {
        throw CollectionFailure(
          .malformed,
          "\(host):\(port) does not speak OMAPI (its greeting was \(introduction.map { String($0, radix: 16) }.joined(separator: " ")))"
        )
      }
      var nextID = UInt32.random(in: 1...0x7fff_ffff)
      var authID: UInt32 = 0
      if let key {
        let request = OMAPIMessage(
          operation: .open, id: nextID,
          messageValues: [("type", Array("authenticator".utf8))],
          objectValues: [
            ("name", Array(key.name.utf8)), ("algorithm", Array(key.algorithm.wireName.utf8)),
          ])
        try await outbound.write(ByteBuffer(bytes: request.encoded()))
        let answer = try await reader.message()
        guard answer.operation == OMAPIMessage.Operation.update.rawValue, answer.handle != 0 else {
          throw CollectionFailure(
            .unauthorized,
            "OMAPI refused the key \(key.name) (\(key.algorithm.rawValue))\(Self.statusText(answer)); check the key's name, algorithm and secret"
          )
        }
        authID = answer.handle
        nextID &+= 1
      }
      var request = OMAPIMessage(
        operation: .open, id: nextID, messageValues: [("type", Array(type.utf8))],
        objectValues: [("name", Array(name.utf8))])
      if let key {
        request.authID = authID
        request.signature = key.sign(request)
      }
      try await outbound.write(ByteBuffer(bytes: request.encoded()))
      let answer = try await reader.message()
      if let key {
        guard answer.signature == key.sign(answer) else {
          throw CollectionFailure(
            .unauthorized, "the OMAPI answer is not signed with the key \(key.name); it was ignored"
          )
        }
      }
      guard answer.operation == OMAPIMessage.Operation.update.rawValue else {
        let status = Self.statusText(answer)
        let kind: CollectionFailure.Kind =
          status.contains("not found")
          ? .notConfigured
          : status.contains("key") ? .unauthorized : .commandFailed
        throw CollectionFailure(kind, "OMAPI could not open \(type) \"\(name)\"\(status)")
      }
      return answer
    }
  }

  /// ": message (result N)" from a status answer, or "" when it says nothing.
  static func statusText(_ message: OMAPIMessage) -> String {
    let text = message.text("message", inMessage: true)
    let result = message.number("result", inMessage: true)
    switch (text, result) {
    case (let text?, let result?): return ": \(text) (result \(result))"
    case (let text?, nil): return ": \(text)"
    case (nil, let result?): return ": result \(result)"
    case (nil, nil): return ""
    }
  }

  static func failure(for error: Error, host: String, port: Int) -> CollectionFailure {
    if let failure = error as? CollectionFailure { return failure }
    if let decoding = error as? OMAPIMessage.DecodingError {
      return CollectionFailure(.malformed, "OMAPI at \(host):\(port) sent \(decoding.description)")
    }
    if error is CancellationError {
      return CollectionFailure(.timeout, "OMAPI at \(host):\(port) did not answer in time")
    }
    let text = String(describing: error)
    if text.contains("refused") || text.contains("connectionReset") || text.contains("ECONNREFUSED")
    {
      return CollectionFailure(
        .unreachable, "connection refused: nothing listens on \(host):\(port)")
    }
    if error as? ChannelError == .eof || text.contains("eof") {
      return CollectionFailure(
        .unreachable, "OMAPI at \(host):\(port) closed the connection before answering")
    }
    return CollectionFailure(.unreachable, "cannot reach OMAPI at \(host):\(port): \(text)")
  }

  static func format(_ seconds: Double) -> String { String(format: "%.1f", seconds) }

  /// Collects bytes from the connection until a whole message is there.
  private struct MessageReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let limit: Int
    var buffer: [UInt8] = []
    var received = 0

    mutating func fill() async throws {
      guard var chunk = try await iterator.next() else { throw ChannelError.eof }
      received += chunk.readableBytes
      guard received <= limit else {
        throw CollectionFailure(.tooLarge, "OMAPI sent more than \(limit) bytes")
      }
      buffer += chunk.readBytes(length: chunk.readableBytes) ?? []
    }

    mutating func bytes(_ count: Int) async throws -> [UInt8] {
      while buffer.count < count { try await fill() }
      defer { buffer.removeFirst(count) }
      return Array(buffer.prefix(count))
    }

    mutating func message() async throws -> OMAPIMessage {
      while true {
        if let (message, length) = try OMAPIMessage.decode(buffer[...]) {
          buffer.removeFirst(length)
          return message
        }
        try await fill()
      }
    }
  }
}
