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
    observation.identity = entry.haServers.map {
      ApplianceIdentity(serverNames: $0, source: .inventory)
    }
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
      tls = try entry.tlsConfiguration(for: entry.url)
    } catch {
      observation.failure = error
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
      } else if status.relationships.isEmpty, entry.service == nil,
        Self.isAgentsOwnStatus(statusAnswer)
      {
        observation.kea = status
        observation.failure = CollectionFailure(
          .notConfigured,
          "a Kea Control Agent answered for itself, not for a DHCP server: add service: dhcp4 (or dhcp6) to the inventory entry so that it forwards the commands"
        )
      } else {
        let listed = statusAnswer.arguments?["high-availability"]?.array?.count ?? 0
        if listed > KeaAnswerDecoder.maximumRelationships {
          observation.failure = CollectionFailure(
            .malformed,
            "the answer lists \(listed) HA relationships, more than any Kea server has; only the first \(KeaAnswerDecoder.maximumRelationships) were read"
          )
        }
        if status.relationships.isEmpty {
          observation.failure = CollectionFailure(
            .notConfigured,
            "the server answered but reports no HA relationship (is the HA hook loaded?)")
        }
        let configured = await followUp(
          "config-get", request, secrets: secrets, into: &observation
        ) { answer in
          KeaAnswerDecoder.configuration(answer).map {
            ($0, KeaAnswerDecoder.daemonService(answer))
          }
        }
        status.configuration = configured?.0
        // A daemon's own socket is asked without a service; its configuration says which
        // daemon it is, and the pair is grouped by service. Kea 3.0's own socket ignores a
        // `service` it is sent, so one that names another daemon gets this daemon's answer.
        if observation.service == nil {
          observation.service = configured?.1
        } else if let daemon = configured?.1, let asked = entry.service, daemon != asked {
          observation.failure = CollectionFailure(
            .configuration,
            "asked for \(asked), but the server that answered is \(daemon): this URL is a daemon's own HTTP socket (Kea 3.0), which ignores service; point url at the \(asked) daemon's socket, or remove service from the inventory entry"
          )
        }
        status.heartbeat = await followUp(
          "ha-heartbeat", request, secrets: secrets, into: &observation,
          decode: KeaAnswerDecoder.heartbeat)
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

  /// A 403 to `config-get` after `status-get` was answered: what the HA hook's own listener
  /// does (Kea 3.0's `restrict-commands`), so the URL is a peer URL, not a control socket.
  static func listenerHint(_ failure: CollectionFailure, command: String) -> CollectionFailure {
    guard command == "config-get", failure.kind == .unauthorized,
      failure.message.hasPrefix("HTTP 403")
    else { return failure }
    return CollectionFailure(
      .unauthorized,
      "HTTP 403 to config-get while status-get is answered: this URL looks like the HA hook's own listener (a peer url, which refuses config-get with restrict-commands); point url at the server's control socket (control-sockets in Kea 3.0, or its Control Agent)"
    )
  }

  /// A Control Agent's own `status-get` (asked without `service`): a list, without the HA
  /// part and without the `sockets` that every DHCP daemon reports.
  static func isAgentsOwnStatus(_ answer: KeaAnswerDecoder.Answer) -> Bool {
    answer.isList && answer.arguments?["high-availability"] == nil
      && answer.arguments?["sockets"] == nil
  }

  private struct Request {
    var url: URL
    var service: String?
    var authorization: String?
    var tls: TLSConfiguration?
  }

  /// A question after `status-get`: its answer when usable; otherwise nil, with the reason
  /// kept in `observation.unanswered`, because the server's status stands without it but the
  /// page must say what is missing and why.
  private func followUp<Value>(
    _ command: String, _ request: Request, secrets: [String],
    into observation: inout ApplianceObservation, decode: (KeaAnswerDecoder.Answer) -> Value?
  ) async -> Value? {
    let failure: CollectionFailure
    do {
      let answer = try await send(command, request, secrets: secrets, into: &observation)
      if let value = decode(answer) { return value }
      failure =
        answer.result != 0
        ? CollectionFailure(
          .commandFailed,
          "\(command) failed with result \(answer.result): \(answer.text ?? "no text")")
        : CollectionFailure(.malformed, "\(command) answered without arguments")
    } catch let error as CollectionFailure {
      failure = Self.listenerHint(error, command: command)
    } catch {
      failure = CollectionFailure(.unreachable, "\(error)")
    }
    observation.unanswered =
      (observation.unanswered ?? []) + [UnansweredCommand(command: command, failure: failure)]
    return nil
  }

  private func send(
    _ command: String, _ request: Request, secrets: [String],
    into observation: inout ApplianceObservation
  ) async throws -> KeaAnswerDecoder.Answer {
    var body = "{\"command\":\"\(command)\""
    if let service = request.service { body += ",\"service\":[\"\(service)\"]" }
    body += "}"
    let exchange = HTTPExchange(
      client: client, settings: settings, deadline: deadline, tls: request.tls,
      headers: request.authorization.map { [("Authorization", $0)] } ?? [], secrets: secrets)
    let data = try await exchange.fetch(
      command, url: request.url, method: .POST, body: body, into: &observation)
    return try KeaAnswerDecoder.answer(from: data)
  }
}
