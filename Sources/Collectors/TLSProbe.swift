import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import X509

/// One TLS handshake that trusts anything, made only after a request failed, to learn what the
/// server presents: whether the port speaks TLS at all, and which certificate it shows. A
/// failed verification says only "CERTIFICATE_VERIFY_FAILED"; the certificate itself tells an
/// expired one from one signed by another CA. Nothing is sent after the handshake.
struct TLSProbe: Sendable {
  /// What the handshake showed.
  enum Outcome: Sendable {
    /// The server speaks TLS; its certificates, leaf first (empty if it showed none).
    case tls([Certificate])
    /// The server speaks TLS and ended the handshake with this alert (BoringSSL's name for
    /// it, such as `TLSV1_ALERT_UNKNOWN_CA`).
    case alert(String)
    /// The server answered, but not with TLS.
    case notTLS
    /// No connection, or no answer in time: nothing learnt.
    case unknown
  }

  var host: String
  var port: Int
  /// How long the probe may take.
  var timeout: TimeAmount
  /// The client certificate to present, from the request's settings; nil presents none.
  var client: TLSConfiguration? = nil
  /// Whether to stop at TLS 1.2. A TLS 1.3 server judges the client's certificate after the
  /// client has finished its handshake, so a refusal can arrive after the request went out,
  /// or be lost to the connection's reset; in TLS 1.2 the refusal ends the handshake itself.
  var atMostTLS12 = false

  func run() async -> Outcome {
    let collector = ChainCollector()
    var configuration = TLSConfiguration.makeClientConfiguration()
    // Verification is left to the callback below, which accepts everything: the probe only
    // looks.
    configuration.certificateVerification = .noHostnameVerification
    if let client {
      configuration.certificateChain = client.certificateChain
      configuration.privateKey = client.privateKey
    }
    if atMostTLS12 { configuration.maximumTLSVersion = .tlsv12 }
    let context: NIOSSLContext
    do {
      context = try NIOSSLContext(configuration: configuration)
    } catch {
      return .unknown
    }
    let serverName = Self.isIPAddress(host) ? nil : host
    let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(timeout)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let handler = try NIOSSLClientHandler(
            context: context, serverHostname: serverName,
            customVerificationCallback: { certificates, promise in
              collector.keep(certificates)
              promise.succeed(.certificateVerified)
            })
          try channel.pipeline.syncOperations.addHandler(handler)
          try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(collector: collector))
        }
      }
    let channel: Channel
    do {
      channel = try await bootstrap.connect(host: host, port: port).get()
    } catch {
      return .unknown
    }
    let ended = channel.eventLoop.scheduleTask(in: timeout) { collector.finish(.timedOut) }
    let result = await collector.result()
    ended.cancel()
    try? await channel.close()
    switch result {
    case .completed: return .tls(collector.chain)
    case .alert(let name): return .alert(name)
    case .notTLS: return .notTLS
    case .timedOut, .closed: return collector.chain.isEmpty ? .unknown : .tls(collector.chain)
    }
  }

  static func isIPAddress(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  /// How the handshake ended.
  enum HandshakeEnd: Sendable {
    case completed
    /// The server sent a TLS alert: it speaks TLS.
    case alert(String)
    /// The bytes that came back were not TLS.
    case notTLS
    case closed
    case timedOut
  }

  /// The chain the server showed and how the handshake ended, written from the event loop and
  /// read by the waiting task.
  final class ChainCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var certificates: [Certificate] = []
    private var end: HandshakeEnd?
    private var waiter: CheckedContinuation<HandshakeEnd, Never>?

    func keep(_ chain: [NIOSSLCertificate]) {
      let parsed = chain.compactMap { certificate -> Certificate? in
        guard let der = try? certificate.toDERBytes() else { return nil }
        return try? Certificate(derEncoded: der)
      }
      lock.withLock { certificates = parsed }
    }

    var chain: [Certificate] { lock.withLock { certificates } }

    func finish(_ outcome: HandshakeEnd) {
      let resumed: CheckedContinuation<HandshakeEnd, Never>? = lock.withLock {
        guard end == nil else { return nil }
        end = outcome
        defer { waiter = nil }
        return waiter
      }
      resumed?.resume(returning: outcome)
    }

    func result() async -> HandshakeEnd {
      await withCheckedContinuation { continuation in
        let ready: HandshakeEnd? = lock.withLock {
          if let end { return end }
          waiter = continuation
          return nil
        }
        if let ready { continuation.resume(returning: ready) }
      }
    }
  }

  /// Reports the end of the handshake to the collector.
  final class HandshakeWatcher: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let collector: ChainCollector

    init(collector: ChainCollector) { self.collector = collector }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
      if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
        collector.finish(.completed)
      }
      context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
      let text = String(describing: error)
      if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST")
        || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("RECORD_TOO_LARGE")
      {
        collector.finish(.notTLS)
      } else if let name = text.split(whereSeparator: { !$0.isLetter && $0 != "_" && !$0.isNumber })
        .first(where: { $0.contains("ALERT") })
      {
        collector.finish(.alert(String(name)))
      } else {
        collector.finish(.closed)
      }
      context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
      collector.finish(.closed)
      context.fireChannelInactive()
    }
  }
}
