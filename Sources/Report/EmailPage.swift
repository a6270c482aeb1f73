/// How the full status page travels with the email: attached, or, past the attachment limit,
/// named by where it is published and its digest.
///
/// A page of tens of thousands of servers is tens of megabytes, a third more once encoded for
/// mail: more than mail servers accept, so a message that carried it would never arrive.
public enum EmailPage: Sendable, Equatable {
  /// The page is attached under `name`.
  case attached(name: String)
  /// The page is `bytes` long, more than `limitBytes`: it is published as `path`, with this
  /// SHA-256 (hexadecimal), and not attached.
  case withheld(bytes: Int, limitBytes: Int, path: String, digest: String)

  /// Why the page is not attached, for the message's text and HTML; nil when it is.
  public var withheldReason: String? {
    guard case .withheld(let bytes, let limit, _, _) = self else { return nil }
    guard limit > 0 else { return "--attachment-limit 0 says never to attach it" }
    return
      "at \(Self.megabytes(bytes)) it is larger than the \(Self.megabytes(limit)) this message may carry (--attachment-limit)"
  }

  /// "69.5 MB": a size as the email writes it (decimal megabytes, as mail limits are given).
  public static func megabytes(_ bytes: Int) -> String {
    let tenths = (bytes + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) MB"
  }
}
