import Assessment
import Foundation

/// An RFC 5322 message ready for `sendmail -t`: a text summary and a short HTML report as
/// alternatives, and the full status page attached when it is small enough to travel by mail,
/// so the mail reads well in any client and the page travels with it as evidence.
public enum EmailMessage {
  /// The file name the page is attached under.
  public static let attachmentName = "failover-status.html"

  /// `page` is asked for only when `note` says the page is attached.
  public static func make(
    _ assessment: Assessment, html: [UInt8], page: () -> [UInt8], note: EmailPage,
    to recipients: [String] = [], from sender: String = defaultSender
  ) -> String {
    let digest = String(assessment.inventoryDigest.prefix(16))
    let seconds = Int(assessment.assessedAt.timeIntervalSince1970)
    let mixed = "failover-report-mixed-\(digest)-\(seconds)"
    let alternative = "failover-report-alt-\(digest)-\(seconds)"
    let status = assessment.severity.rawValue.uppercased()
    var text = "DHCP failover status: \(status)\r\n\r\n"
    let lines = TextSummary.lines(assessment)
    text +=
      lines.isEmpty
      ? "All \(assessment.relationships.count) relationships are healthy.\r\n"
      : lines.joined(separator: "\r\n") + "\r\n"
    switch note {
    case .attached(let name):
      text +=
        "\r\nThe full status page is attached (\(name)); it opens in any browser without a network connection.\r\n"
    case .withheld(_, _, let path, let digest):
      text +=
        "\r\nThe full status page is not attached: \(note.withheldReason ?? ""). It is published as \(path), SHA-256 \(digest).\r\n"
    }
    var message = ""
    // RFC 5322 requires From and Date; sendmail -t takes the recipients from To.
    message += "From: \(sender)\r\n"
    if !recipients.isEmpty { message += "To: \(recipients.joined(separator: ", "))\r\n" }
    message +=
      "Subject: [\(status)] DHCP failover: \(assessment.headline)\r\n"
    message += "Date: \(rfc5322Date(assessment.assessedAt))\r\n"
    message +=
      "Message-ID: <\(String(assessment.inventoryDigest.prefix(24))).\(seconds)@failover-report.invalid>\r\n"
    message += "MIME-Version: 1.0\r\n"
    message += "Auto-Submitted: auto-generated\r\n"
    message += "Content-Type: multipart/mixed; boundary=\"\(mixed)\"\r\n\r\n"
    message +=
      "--\(mixed)\r\nContent-Type: multipart/alternative; boundary=\"\(alternative)\"\r\n\r\n"
    message += part(alternative, type: "text/plain; charset=utf-8", Array(text.utf8))
    message += part(alternative, type: "text/html; charset=utf-8", html)
    message += "--\(alternative)--\r\n\r\n"
    if case .attached(let name) = note {
      message += part(
        mixed, type: "text/html; charset=utf-8; name=\"\(name)\"", page(),
        disposition: "attachment; filename=\"\(name)\"")
    }
    message += "--\(mixed)--\r\n"
    return message
  }

  /// The sender when `--mail-from` is not given: `failover-report@` this machine's name, as
  /// cron mails from the user at the host.
  public static var defaultSender: String {
    var buffer = [CChar](repeating: 0, count: 256)
    let name =
      gethostname(&buffer, buffer.count) == 0
      ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      : ""
    let host = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    return "failover-report@\(host.isEmpty ? "localhost" : host)"
  }

  /// `name@domain` with nothing that could add a header or a second recipient by accident.
  public static func isPlainAddress(_ address: String) -> Bool {
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    let forbidden = CharacterSet(charactersIn: " \t\r\n,;<>()\"\\[]:")
    return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
      && address.rangeOfCharacter(from: forbidden) == nil && address.allSatisfy(\.isASCII)
  }

  private static func part(
    _ boundary: String, type: String, _ bytes: [UInt8], disposition: String? = nil
  ) -> String {
    var text = "--\(boundary)\r\nContent-Type: \(type)\r\nContent-Transfer-Encoding: base64\r\n"
    if let disposition { text += "Content-Disposition: \(disposition)\r\n" }
    return text + "\r\n" + wrapped(Data(bytes).base64EncodedString())
  }

  private static func wrapped(_ base64: String) -> String {
    var result = ""
    var index = base64.startIndex
    while index < base64.endIndex {
      let end = base64.index(index, offsetBy: 76, limitedBy: base64.endIndex) ?? base64.endIndex
      result += base64[index..<end] + "\r\n"
      index = end
    }
    return result
  }

  public static func rfc5322Date(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
    return formatter.string(from: date)
  }
}
