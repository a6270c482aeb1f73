import Crypto
import Foundation
import Snapshot

/// An OMAPI key, read from a file in dhcpd's own syntax:
///
///     key omapi_key { algorithm hmac-sha256; secret "base64…"; };
///
/// The same text that goes into `dhcpd.conf` (or an included file) can be pointed at from the
/// inventory, so the secret lives in one protected file.
public struct OMAPIKey: Sendable, Equatable {
  public enum Algorithm: String, Sendable {
    case hmacMD5 = "hmac-md5"
    case hmacSHA256 = "hmac-sha256"

    /// The DNS TSIG name OMAPI sends when it opens the authenticator.
    var wireName: String { rawValue + ".SIG-ALG.REG.INT." }
    var signatureLength: Int { self == .hmacMD5 ? 16 : 32 }
  }

  public var name: String
  public var algorithm: Algorithm
  var secret: [UInt8]

  public init(name: String, algorithm: Algorithm, secret: [UInt8]) {
    self.name = name
    self.algorithm = algorithm
    self.secret = secret
  }

  /// Parses the first `key` statement of `text`; `file` names it in errors.
  public static func parse(_ text: String, file: String) throws(CollectionFailure) -> OMAPIKey {
    // Comments (#, //) out, then the statement as words and punctuation.
    let cleaned = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      var line = Substring(line)
      if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
      if let slashes = line.range(of: "//") { line = line[..<slashes.lowerBound] }
      return line
    }.joined(separator: " ")
    let pattern =
      /key\s+"?([A-Za-z0-9_.\-]+)"?\s*\{\s*algorithm\s+"?([A-Za-z0-9\-.]+)"?\s*;\s*secret\s+"([A-Za-z0-9+\/=]+)"\s*;\s*\}/
    let reversed =
      /key\s+"?([A-Za-z0-9_.\-]+)"?\s*\{\s*secret\s+"([A-Za-z0-9+\/=]+)"\s*;\s*algorithm\s+"?([A-Za-z0-9\-.]+)"?\s*;\s*\}/
    let name: Substring
    let algorithmName: Substring
    let secretText: Substring
    if let match = cleaned.firstMatch(of: pattern) {
      (name, algorithmName, secretText) = (match.1, match.2, match.3)
    } else if let match = cleaned.firstMatch(of: reversed) {
      (name, secretText, algorithmName) = (match.1, match.2, match.3)
    } else {
      throw CollectionFailure(
        .configuration,
        "\(file) holds no key statement of the form: key NAME { algorithm hmac-sha256; secret \"BASE64\"; };"
      )
    }
    // dhcpd accepts the TSIG spelling too (HMAC-MD5.SIG-ALG.REG.INT, with or without the dot).
    let lowered = String(
      algorithmName.lowercased().split(separator: ".", maxSplits: 1).first ?? "")
    guard let algorithm = Algorithm(rawValue: lowered) else {
      throw CollectionFailure(
        .configuration,
        "\(file): the key's algorithm \(algorithmName) is not one OMAPI offers here (hmac-md5 or hmac-sha256)"
      )
    }
    guard let secret = Data(base64Encoded: String(secretText)), !secret.isEmpty else {
      throw CollectionFailure(.configuration, "\(file): the key's secret is not base64")
    }
    return OMAPIKey(name: String(name), algorithm: algorithm, secret: Array(secret))
  }

  /// The signature OMAPI puts after a message: HMAC over everything but `authid`.
  func sign(_ message: OMAPIMessage) -> [UInt8] {
    let bytes = message.signedBytes(signatureLength: algorithm.signatureLength)
    let key = SymmetricKey(data: secret)
    switch algorithm {
    case .hmacMD5:
      return Array(HMAC<Insecure.MD5>.authenticationCode(for: bytes, using: key))
    case .hmacSHA256:
      return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
    }
  }
}
