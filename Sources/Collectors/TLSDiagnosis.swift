import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Snapshot
import X509

/// Names the TLS problem behind a failed request in one line, with what to do about it.
///
/// The TLS library reports most problems as one of a few codes ("CERTIFICATE_VERIFY_FAILED",
/// an alert name); where the code alone cannot tell an expired certificate from an untrusted
/// one, or say which names a certificate holds, a `TLSProbe` looks at what the server shows.
struct TLSDiagnosis: Sendable {
  var url: URL
  /// The CA bundle the request trusted; nil for the system's.
  var caFile: String?
  var sendsClientCertificate: Bool
  /// The request's settings, whose client certificate a probe presents again.
  var tls: TLSConfiguration?
  /// The snapshot's clock, to judge certificate dates by.
  var now: Date
  var probeTimeout: TimeAmount

  init(url: URL, tls: TLSConfiguration?, now: Date, probeTimeout: TimeAmount) {
    self.url = url
    if case .file(let path) = tls?.trustRoots { caFile = path }
    sendsClientCertificate = tls?.certificateChain.isEmpty == false
    self.tls = tls
    self.now = now
    self.probeTimeout = probeTimeout
  }

  private var host: String { url.host ?? "" }
  private var port: Int { url.port ?? (isHTTPS ? 443 : 80) }
  private var isHTTPS: Bool { url.scheme?.lowercased() == "https" }
  private var place: String { "\(host):\(port)" }

  /// The reason, or nil when the error is no TLS matter.
  func reason(for error: any Error) async -> CollectionFailure? {
    let text = String(describing: error)
    if !isHTTPS {
      guard Self.endedWithoutAnswer(error, text: text) else { return nil }
      switch await probe() {
      case .tls, .alert: break
      case .notTLS, .unknown: return nil
      }
      return CollectionFailure(
        .tls,
        "\(place) speaks TLS, not plain HTTP: use an https:// URL with ca-file (and cert-file and key-file if the agent requires client certificates)"
      )
    }
    if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") {
      return CollectionFailure(
        .tls,
        "\(place) answered in plain HTTP, not TLS: use an http:// URL, or give its Control Agent trust-anchor, cert-file and key-file"
      )
    }
    if let alert = Self.alerts.first(where: { text.contains($0.code) }) {
      return clientCertificateReason(alert)
    }
    if Self.endedWithoutAnswer(error, text: text) {
      // Over TLS 1.3 a refused client certificate can look like this: ask again over TLS 1.2,
      // where the refusal is part of the handshake.
      guard
        case .alert(let name) = await TLSProbe(
          host: host, port: port, timeout: probeTimeout, client: tls, atMostTLS12: true
        ).run(),
        let alert = Self.alerts.first(where: { name.contains($0.code) })
      else { return nil }
      return clientCertificateReason(alert)
    }
    if text.contains("failedToValidateHostname") {
      return await hostnameReason()
    }
    if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("unableToValidateCertificate") {
      return await verificationReason()
    }
    guard error is NIOSSLError || error is NIOSSLExtraError || text.contains("SSL") else {
      return nil
    }
    return CollectionFailure(.tls, "TLS with \(place) failed: \(text)")
  }

  /// A TLS alert the server sends when it will not take the client's certificate, and what it
  /// means.
  struct Alert: Sendable {
    var code: String
    var meaning: String
  }

  static let alerts = [
    Alert(code: "CERTIFICATE_REQUIRED", meaning: "it requires one"),
    Alert(code: "UNKNOWN_CA", meaning: "it is not signed by a CA the server trusts"),
    Alert(code: "BAD_CERTIFICATE", meaning: "the server finds it bad"),
    Alert(code: "CERTIFICATE_UNKNOWN", meaning: "the server cannot use it"),
    Alert(code: "CERTIFICATE_EXPIRED", meaning: "it has expired"),
    Alert(code: "CERTIFICATE_REVOKED", meaning: "it was revoked"),
    Alert(code: "UNSUPPORTED_CERTIFICATE", meaning: "its type is not accepted"),
    Alert(code: "ACCESS_DENIED", meaning: "the server denies it access"),
    // TLS 1.2 servers that require a certificate and get none end the handshake this way.
    Alert(code: "HANDSHAKE_FAILURE", meaning: "the handshake was refused"),
  ]

  private func clientCertificateReason(_ alert: Alert) -> CollectionFailure {
    guard sendsClientCertificate else {
      return CollectionFailure(
        .tls,
        "\(place) requires a client certificate and the inventory gives none: set cert-file and key-file to a certificate signed by the agent's trust-anchor"
      )
    }
    return CollectionFailure(
      .tls,
      "\(place) refused the client certificate (\(alert.meaning)): use a cert-file signed by the CA in the agent's trust-anchor"
    )
  }

  private func hostnameReason() async -> CollectionFailure {
    guard case .tls(let chain) = await probe(), let leaf = chain.first else {
      return CollectionFailure(
        .tls,
        "the certificate of \(place) is not for \(host): use a URL with a name the certificate holds, or reissue it for \(host)"
      )
    }
    let names = Self.names(of: leaf)
    return CollectionFailure(
      .tls,
      "the certificate of \(place) is for \(names.isEmpty ? "no name" : names.joined(separator: ", ")), not \(host): use a URL with one of its names, or reissue it for \(host)"
    )
  }

  private func verificationReason() async -> CollectionFailure {
    let trusted =
      caFile.map { "a CA in ca-file \($0)" } ?? "a CA this system trusts (no ca-file given)"
    guard case .tls(let chain) = await probe(), let leaf = chain.first else {
      return CollectionFailure(
        .tls,
        "the certificate of \(place) is not trusted: it is expired or not signed by \(trusted)")
    }
    if leaf.notValidAfter < now {
      return CollectionFailure(
        .tls,
        "the certificate of \(place) expired on \(Self.day(leaf.notValidAfter)): renew the agent's cert-file"
      )
    }
    if leaf.notValidBefore > now {
      return CollectionFailure(
        .tls,
        "the certificate of \(place) is not valid before \(Self.day(leaf.notValidBefore)): check both clocks"
      )
    }
    return CollectionFailure(
      .tls,
      "the certificate of \(place) (issued by \(Self.commonName(leaf.issuer))) is not trusted: it is not signed by \(trusted); point ca-file at the CA that signed the agent's certificate"
    )
  }

  private func probe() async -> TLSProbe.Outcome {
    await TLSProbe(host: host, port: port, timeout: probeTimeout).run()
  }

  /// A closed or reset connection, or an answer that is not HTTP: what a TLS server does with
  /// a plain request.
  static func endedWithoutAnswer(_ error: any Error, text: String) -> Bool {
    if let httpError = error as? HTTPClientError, httpError == .remoteConnectionClosed {
      return true
    }
    return text.contains("reset") || text.contains("HTTPParserError")
      || text.contains("invalidEOFState")
  }

  /// The DNS names and addresses a certificate is for.
  static func names(of certificate: Certificate) -> [String] {
    var names: [String] = []
    let alternatives = (try? certificate.extensions.subjectAlternativeNames) ?? nil
    for name in alternatives.map(Array.init) ?? [] {
      switch name {
      case .dnsName(let dns): names.append(dns)
      case .ipAddress(let bytes):
        names.append(address(Array(bytes.bytes)))
      default: break
      }
    }
    return names.isEmpty ? [commonName(certificate.subject)] : names
  }

  static func commonName(_ name: DistinguishedName) -> String {
    for rdn in name {
      for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
        return "\"\(attribute.value)\""
      }
    }
    return "\"\(name)\""
  }

  static func address(_ bytes: [UInt8]) -> String {
    if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    guard bytes.count == 16,
      bytes.withUnsafeBytes({ inet_ntop(AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) })
        != nil
    else { return bytes.map { String(format: "%02x", $0) }.joined() }
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func day(_ date: Date) -> String { Timestamp.iso(date) }
}
