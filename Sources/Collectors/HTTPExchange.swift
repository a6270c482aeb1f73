import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Snapshot

/// One HTTP(S) request to an appliance, bounded by the appliance's deadline and the response
/// size cap, its answer kept (redacted, cut) as evidence in the observation.
struct HTTPExchange: Sendable {
  let client: HTTPClient
  let settings: CollectionSettings
  /// When this appliance's time is up.
  let deadline: Date
  var tls: TLSConfiguration?
  /// Headers every request carries (authentication).
  var headers: [(String, String)] = []
  /// Values to replace with `***` in the evidence.
  var secrets: [String] = []

  /// Sends the request and returns the body of a 200 answer; any other status, a timeout, a
  /// refused connection or an answer over the cap is a `CollectionFailure`.
  func fetch(
    _ command: String, url: URL, method: HTTPMethod = .GET, body: String? = nil,
    into observation: inout ApplianceObservation
  ) async throws(CollectionFailure) -> Data {
    var http = HTTPClientRequest(url: url.absoluteString)
    http.method = method
    http.headers.add(name: "User-Agent", value: "failover-report")
    for (name, value) in headers { http.headers.add(name: name, value: value) }
    if let body {
      http.headers.add(name: "Content-Type", value: "application/json")
      http.body = .bytes(ByteBuffer(string: body))
    }
    http.tlsConfiguration = tls
    let remaining = deadline.timeIntervalSince(settings.clock())
    guard remaining > 0 else {
      // Earlier questions (or the run's deadline) used up the time: this one was never sent.
      throw CollectionFailure(
        .timeout,
        "not asked: no time was left of the \(Self.formatSeconds(settings.timeout)) s for this appliance"
      )
    }
    let response: HTTPClientResponse
    let data: Data
    let client = self.client
    let request = http
    let limit = settings.maximumResponseBytes
    let timeout = settings.timeout
    do {
      // The client's own deadline covers the answer's head; a body that trickles in a byte
      // at a time must not outlast the appliance's deadline either, so reading the body
      // races what is left of it. Only the body: with the whole exchange in the race, a
      // hundred appliances that never answered, out of 2,000, ended 0.03 to 0.24 s past
      // their deadline although the client gave up on each of them on time (measured with
      // fleet-bench; the race's end waits for the cancelled request to wind down).
      response = try await client.execute(
        request, deadline: .now() + .nanoseconds(Int64(remaining * 1e9)))
      let body = response.body
      let left = deadline.timeIntervalSince(settings.clock())
      data = try await withDeadline(
        seconds: left,
        orThrow: CollectionFailure(
          .timeout, "no complete answer within \(Self.formatSeconds(timeout)) s")
      ) {
        Data(try await body.collect(upTo: limit).readableBytesView)
      }
    } catch {
      let left = deadline.timeIntervalSince(settings.clock())
      if left > 0,
        let failure = await TLSDiagnosis(
          url: url, tls: tls, now: settings.clock(),
          probeTimeout: .milliseconds(Int64(min(left, 2) * 1000))
        ).reason(for: error)
      {
        throw failure
      }
      throw Self.classify(error, timeout: settings.timeout, limit: settings.maximumResponseBytes)
    }
    let text = String(decoding: data.prefix(settings.maximumEvidenceBytes), as: UTF8.self)
    observation.exchanges.append(
      RawExchange(
        command: command, httpStatus: Int(response.status.code),
        body: Redaction.redact(text, secrets: secrets),
        truncated: data.count > settings.maximumEvidenceBytes))
    switch response.status.code {
    case 200: return data
    case 401, 403:
      throw CollectionFailure(
        .unauthorized, "HTTP \(response.status.code): the credentials were refused")
    default:
      throw CollectionFailure(
        .httpStatus, "HTTP \(response.status.code) \(response.status.reasonPhrase) for \(command)")
    }
  }

  /// Sorts a transport error into the kinds an operator acts on.
  static func classify(_ error: any Error, timeout: Double, limit: Int) -> CollectionFailure {
    if let failure = error as? CollectionFailure { return failure }
    if error is NIOTooManyBytesError {
      return CollectionFailure(.tooLarge, "the answer is larger than the \(limit)-byte cap")
    }
    if let httpError = error as? HTTPClientError {
      switch httpError {
      case .deadlineExceeded, .readTimeout, .connectTimeout:
        return CollectionFailure(.timeout, "no answer within \(formatSeconds(timeout)) s")
      case .remoteConnectionClosed:
        return CollectionFailure(
          .unreachable, "the connection was closed before the answer was complete")
      default: break
      }
    }
    if error is NIOSSLError {
      return CollectionFailure(.tls, "TLS failed: \(error)")
    }
    let text = String(describing: error)
    if text.contains("refused") || text.contains("ECONNREFUSED") {
      return CollectionFailure(.unreachable, "connection refused: nothing listens there")
    }
    if text.contains("reset") {
      return CollectionFailure(.unreachable, "the connection was reset")
    }
    if text.lowercased().contains("ssl") || text.lowercased().contains("certificate") {
      return CollectionFailure(.tls, "TLS failed: \(text)")
    }
    return CollectionFailure(.unreachable, "cannot reach it: \(text)")
  }

  static func formatSeconds(_ value: Double) -> String {
    value.rounded() == value ? String(Int(value)) : String(value)
  }
}

extension ApplianceEntry {
  /// The TLS settings for an https URL: the inventory's CA bundle and client certificate. A
  /// file that cannot be used is named in the failure; what it holds never is.
  func tlsConfiguration(for url: URL?) throws(CollectionFailure) -> TLSConfiguration? {
    guard url?.scheme?.lowercased() == "https" else { return nil }
    var configuration = TLSConfiguration.makeClientConfiguration()
    if let caFile {
      do {
        _ = try NIOSSLCertificate.fromPEMFile(caFile)
      } catch {
        throw Self.unusable("ca-file", caFile, "PEM certificates")
      }
      configuration.trustRoots = .file(caFile)
    }
    if let certFile, let keyFile {
      do {
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map {
          .certificate($0)
        }
      } catch {
        throw Self.unusable("cert-file", certFile, "a PEM certificate")
      }
      do {
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
      } catch {
        throw Self.unusable("key-file", keyFile, "an unencrypted PEM private key")
      }
    }
    return configuration
  }

  /// What `check` says of the entry's TLS files: how the connection will be made, and
  /// whether the files can be used; `problem` is set when a run would fail on them.
  public func tlsSummary() -> (text: String, problem: Bool)? {
    let url = self.url ?? deployment
    guard url?.scheme?.lowercased() == "https" else {
      guard caFile != nil || certFile != nil else { return nil }
      return ("TLS files given but the URL is plain http://: they are not used", false)
    }
    var text = "TLS trusting " + (caFile.map { "the CA in \($0)" } ?? "the system's CAs")
    if let certFile, let keyFile {
      text += ", client certificate \(certFile) with key \(keyFile)"
    }
    do {
      _ = try tlsConfiguration(for: url)
    } catch {
      return (text + " (\(error.message))", true)
    }
    if let keyFile, let warning = SecretReader.permissionWarning(for: keyFile) {
      text += " (warning: \(warning))"
    }
    return (text, false)
  }

  private static func unusable(_ key: String, _ path: String, _ expected: String)
    -> CollectionFailure
  {
    let problem =
      FileManager.default.isReadableFile(atPath: path)
      ? "it does not hold \(expected)" : "it cannot be read"
    return CollectionFailure(.configuration, "\(key) \(path) cannot be used: \(problem)")
  }
}
