import NIOCore
import NIOPosix

/// A TCP server on loopback that greets like dhcpd's OMAPI port and then misbehaves, for the
/// tests that make sure a broken OMAPI peer costs its own appliance its timeout and no more.
public struct HostileOMAPIPeer: Sendable {
  /// What the peer does once the client has sent its request.
  public enum Behavior: String, Sendable, CaseIterable {
    /// Sends the first bytes of an answer and then nothing, holding the connection open.
    case stallMidMessage = "stall-mid-message"
    /// Announces a value of almost 2 GB, as if to make the client wait for it.
    case hugeLength = "huge-length"
    /// Greets with something that is not OMAPI (another service on the port).
    case notOMAPI = "not-omapi"
  }

  public let behavior: Behavior
  public let port: Int
  private let channel: any Channel

  /// Starts listening on a free port of 127.0.0.1.
  public static func start(_ behavior: Behavior) async throws -> HostileOMAPIPeer {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { child in
        child.eventLoop.makeCompletedFuture {
          try child.pipeline.syncOperations.addHandler(Handler(behavior: behavior))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    return HostileOMAPIPeer(
      behavior: behavior, port: channel.localAddress?.port ?? 0, channel: channel)
  }

  /// Stops listening and drops any connection still held.
  public func stop() async {
    try? await channel.close()
  }

  /// OMAPI's 8-byte introduction: protocol version 100, header size 24.
  static let introduction: [UInt8] = [0, 0, 0, 100, 0, 0, 0, 24]

  /// The 24-byte header of an update message (operation 3) answering request 1.
  static let updateHeader: [UInt8] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 1,
  ]

  private final class Handler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behavior: Behavior
    var received = 0
    var answered = false

    init(behavior: Behavior) { self.behavior = behavior }

    func channelActive(context: ChannelHandlerContext) {
      let greeting = behavior == .notOMAPI ? Array("SSH-2.0-OpenSSH_9.2\r\n".utf8) : introduction
      context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: greeting)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      received += unwrapInboundIn(data).readableBytes
      // The client's introduction is 8 bytes; anything after it is the request.
      guard received > introduction.count, !answered else { return }
      answered = true
      var answer = updateHeader
      switch behavior {
      case .stallMidMessage:
        // The header and the start of the first value's name; the rest never comes.
        answer += [0, 4] + Array("na".utf8)
      case .hugeLength:
        answer += [0, 0] + [0, 4] + Array("name".utf8) + [0x7F, 0xFF, 0x00, 0x00]
      case .notOMAPI:
        return
      }
      context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
    }
  }
}
