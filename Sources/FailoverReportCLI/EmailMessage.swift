import Assessment
import Foundation
import Report

/// An RFC 5322 message with a text summary and the page as HTML, ready for `sendmail -t`.
enum EmailMessage {
  static func make(_ assessment: Assessment, page: [UInt8], assets: Assets) throws -> String {
    let boundary = "failover-report-" + String(assessment.inventoryDigest.prefix(16))
    let status = assessment.severity.rawValue.uppercased()
    let date = rfc5322Date(assessment.assessedAt)
    var text = "DHCP failover status: \(status)\r\n\r\n"
    let lines = TextSummary.lines(assessment)
    text +=
      lines.isEmpty
      ? "All \(assessment.relationships.count) relationships are healthy.\r\n"
      : lines.joined(separator: "\r\n") + "\r\n"
    var message = ""
    message +=
      "Subject: [\(status)] DHCP failover: \(assessment.count(assessment.severity)) of \(assessment.relationships.count) relationships \(assessment.severity.rawValue)\r\n"
    message += "Date: \(date)\r\n"
    message +=
      "Message-ID: <\(String(assessment.inventoryDigest.prefix(24))).\(Int(assessment.assessedAt.timeIntervalSince1970))@failover-report.invalid>\r\n"
    message += "MIME-Version: 1.0\r\n"
    message += "Auto-Submitted: auto-generated\r\n"
    message += "Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n"
    message +=
      "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    message += wrapped(Data(text.utf8).base64EncodedString())
    message +=
      "--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    message += wrapped(Data(page).base64EncodedString())
    message += "--\(boundary)--\r\n"
    return message
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

  static func rfc5322Date(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
    return formatter.string(from: date)
  }
}
