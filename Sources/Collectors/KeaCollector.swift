import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Snapshot

/// Asks one Kea server for its HA status over HTTP(S): `status-get`, then `config-get` and
/// `ha-heartbeat`, each bounded by the timeout and the response size cap.
struct KeaCollector: Sendable {
  let client: HTTPClient
  let entry: ApplianceEntry
  let settings: CollectionSettings
  let environment: [String: String]
  /// When this appliance's time is up: its timeout, or the run's deadline if that is sooner.
  let deadline: Date

  func collect() async -> ApplianceObservation {
    let started = settings.clock()
    var observation = ApplianceObservation(
      name: entry.name, kind: .kea, site: entry.site,
      endpoint: entry.url.map(Redaction.endpoint) ?? "", service: entry.service, askedAt: started,
      durationMilliseconds: 0)
    guard let url = entry.url else {
      observation.failure = CollectionFailure(.configuration, "the inventory gives no url")
      return observation
    }
    var secrets: [String] = []
    var authorization: String?
    if let reference = entry.password {
      do {
        let password = try SecretReader.read(reference, environment: environment)
        secrets.append(password)
        let credentials = "\(entry.username ?? ""):\(password)"
        authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        secrets.append(Data(credentials.utf8).base64EncodedString())
      } catch {
        observation.failure = CollectionFailure(.configuration, error.description)
        return observation
      }
    }
    let tls: TLSConfiguration?
    do {
      tls = try tlsConfiguration()
    } catch {
      observation.failure = CollectionFailure(.configuration, "cannot load the TLS files: \(error)")
      return observation
    }
    let request = Request(url: url, service: entry.service, authorization: authorization, tls: tls)
    do {
      let statusAnswer = try await send("status-get", request, secrets: secrets, into: &observation)
      var status = KeaAnswerDecoder.status(statusAnswer)
      if statusAnswer.result != 0 {
        observation.kea = status
        observation.failure = CollectionFailure(
          .commandFailed,
          "status-get failed with result \(statusAnswer.result): \(statusAnswer.text ?? "no text")")
      } else {
        if status.relationships.isEmpty {
          observation.failure = CollectionFailure(
            .notConfigured,
            "the server answered but reports no HA relationship (is the HA hook loaded?)")
        }
        if let configAnswer = try? await send(
          "config-get", request, secrets: secrets, into: &observation)
        {
          status.configuration = KeaAnswerDecoder.configuration(configAnswer)
        }
        if let heartbeatAnswer = try? await send(
          "ha-heartbeat", request, secrets: secrets, into: &observation)
        {
          status.heartbeat = KeaAnswerDecoder.heartbeat(heartbeatAnswer)
        }
        observation.kea = status
      }
    } catch let failure as CollectionFailure {
      observation.failure = failure
    } catch {
      observation.failure = CollectionFailure(.unreachable, "\(error)")
    }
    observation.durationMilliseconds = Int(
      (settings.clock().timeIntervalSince(started) * 1000).rounded())
    return observation
  }

  private struct Request {
    var url: URL
    var service: String?
    var authorization: String?
    var tls: TLSConfiguration?
  }

  private func send(
    _ command: String, _ request: Request, secrets: [String],
    into observation: inout ApplianceObservation
  ) async throws -> KeaAnswerDecoder.Answer {
    var body = "{\"command\":\"\(command)\""
    if let service = request.service { body += ",\"service\":[\"\(service)\"]" }
    body += "}"
    var http = HTTPClientRequest(url: request.url.absoluteString)
    http.method = .POST
    http.headers.add(name: "Content-Type", value: "application/json")
    http.headers.add(name: "User-Agent", value: "failover-report")
    if let authorization = request.authorization {
      http.headers.add(name: "Authorization", value: authorization)
    }
    http.body = .bytes(ByteBuffer(string: body))
    http.tlsConfiguration = request.tls
    let remaining = deadline.timeIntervalSince(settings.clock())
    guard remaining > 0 else {
      throw CollectionFailure(
        .timeout, "no answer within \(Self.formatSeconds(settings.timeout)) s")
    }
    let timeout = TimeAmount.milliseconds(Int64(remaining * 1000))
    let response: HTTPClientResponse
    let data: Data
    do {
      response = try await client.execute(http, timeout: timeout)
      let buffer = try await response.body.collect(upTo: settings.maximumResponseBytes)
      data = Data(buffer.readableBytesView)
    } catch {
      throw Self.classify(error, timeout: settings.timeout, limit: settings.maximumResponseBytes)
    }
    let text = String(decoding: data.prefix(settings.maximumEvidenceBytes), as: UTF8.self)
    observation.exchanges.append(
      RawExchange(
        command: command, httpStatus: Int(response.status.code),
        body: Redaction.redact(text, secrets: secrets),
        truncated: data.count > settings.maximumEvidenceBytes))
    switch response.status.code {
    case 200: break
    case 401, 403:
      throw CollectionFailure(
        .unauthorized, "HTTP \(response.status.code): the credentials were refused")
    default:
      throw CollectionFailure(
        .httpStatus, "HTTP \(response.status.code) \(response.status.reasonPhrase) for \(command)")
    }
    return try KeaAnswerDecoder.answer(from: data)
  }

  private func tlsConfiguration() throws -> TLSConfiguration? {
    guard entry.url?.scheme?.lowercased() == "https" else { return nil }
    var configuration = TLSConfiguration.makeClientConfiguration()
    if let caFile = entry.caFile { configuration.trustRoots = .file(caFile) }
    if let certFile = entry.certFile, let keyFile = entry.keyFile {
      configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map {
        .certificate($0)
      }
      configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
    }
    return configuration
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
