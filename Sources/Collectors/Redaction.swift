import Foundation

/// Removes secrets from anything kept as evidence.
enum Redaction {
  /// Keys whose values are secrets in Kea's answers (`config-get` echoes peer passwords).
  static let secretKeys = [
    "basic-auth-password", "password", "secret", "key", "api-key", "token", "client-secret",
  ]

  /// Replaces the values of secret keys in JSON text with "***", and every known secret
  /// wherever it appears.
  static func redact(_ text: String, secrets: [String]) -> String {
    var result = text
    for key in secretKeys {
      let pattern =
        "(\"" + NSRegularExpression.escapedPattern(for: key)
        + "\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\""
      if let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) {
        result = regex.stringByReplacingMatches(
          in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1\"***\"")
      }
    }
    for secret in secrets where !secret.isEmpty {
      result = result.replacingOccurrences(of: secret, with: "***")
    }
    return result
  }

  /// A URL with user and password taken out.
  static func endpoint(_ url: URL) -> String {
    guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
      return url.absoluteString
    }
    components.user = nil
    components.password = nil
    return components.string ?? url.absoluteString
  }
}
