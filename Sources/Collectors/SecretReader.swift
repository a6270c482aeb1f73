import Foundation

/// Reads secrets named by the inventory, never logging or keeping their values elsewhere.
public enum SecretReader {
  /// The secret's value, with one trailing newline removed from a file's content.
  public static func read(_ reference: SecretReference, environment: [String: String])
    throws(CollectionFailureError) -> String
  {
    switch reference {
    case .environment(let name):
      guard let value = environment[name], !value.isEmpty else {
        throw CollectionFailureError(
          "the environment variable \(name) named by password-env is not set (cron and systemd start with an empty environment: use password-file there)"
        )
      }
      return value
    case .file(let path):
      guard let data = FileManager.default.contents(atPath: path),
        var text = String(data: data, encoding: .utf8)
      else {
        throw CollectionFailureError("cannot read the password file \(path)")
      }
      if text.hasSuffix("\r\n") {
        text.removeLast(1)
      } else if text.hasSuffix("\n") {
        text.removeLast()
      }
      return text
    }
  }

  /// A warning when a secret file can be read by its group or by everyone, else nil.
  public static func permissionWarning(for path: String) -> String? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let mode = attributes[.posixPermissions] as? Int
    else { return nil }
    if mode & 0o077 != 0 {
      return
        "the secret file \(path) can be read by others (mode \(String(mode, radix: 8))); chmod 600 it"
    }
    return nil
  }
}

/// A problem with an inventory entry found while collecting (a missing secret).
public struct CollectionFailureError: Error, Sendable, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}
