import Foundation
import Report
import Testing
import Validation

@Suite("Email snapshot")
struct EmailTests {
  /// One MIME entity: its headers (names in lower case) and its body, decoded.
  struct Part {
    var headers: [String: String]
    var body: String

    var contentType: String { headers["content-type"] ?? "" }

    /// The parts of a multipart entity, split at its boundary.
    var parts: [Part] {
      guard let range = contentType.range(of: "boundary=\"") else { return [] }
      let boundary = contentType[range.upperBound...].prefix { $0 != "\"" }
      let pieces = body.components(separatedBy: "--\(boundary)")
      return pieces.dropFirst().filter { !$0.hasPrefix("--") }.map {
        Part(entity: String($0.drop { $0 == "\r" || $0 == "\n" }))
      }
    }

    init(entity: String) {
      let split = entity.range(of: "\r\n\r\n")
      let head = split.map { String(entity[..<$0.lowerBound]) } ?? entity
      var headers: [String: String] = [:]
      for line in head.components(separatedBy: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
          .trimmingCharacters(in: .whitespaces)
      }
      self.headers = headers
      let raw = split.map { String(entity[$0.upperBound...]) } ?? ""
      if headers["content-transfer-encoding"] == "base64" {
        let joined = raw.components(separatedBy: "\r\n").joined()
        body = Data(base64Encoded: joined).map { String(decoding: $0, as: UTF8.self) } ?? ""
      } else {
        body = raw
      }
    }
  }

  private func demoEmail(_ extra: [String] = []) throws -> (Part, TestSupport.Result, URL) {
    let folder = try TestSupport.temporaryFolder()
    let file = folder.appendingPathComponent("status.eml")
    let result = try TestSupport.run(
      ["demo", "--output", folder.appendingPathComponent("www").path, "--email", file.path]
        + extra)
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    return (Part(entity: text), result, folder)
  }

  @Test(
    "the message has the headers sendmail -t needs, a text and an HTML alternative, and the page attached"
  )
  func structure() throws {
    let (message, result, folder) = try demoEmail()
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(result.status == 2)
    #expect(
      message.headers["subject"] == "[CRITICAL] DHCP failover: 4 of 10 relationships critical")
    #expect(message.headers["mime-version"] == "1.0")
    #expect(message.headers["auto-submitted"] == "auto-generated")
    #expect(message.headers["message-id"]?.hasSuffix("@failover-report.invalid>") == true)
    #expect(message.headers["date"]?.hasSuffix("+0000") == true)
    #expect(message.contentType.hasPrefix("multipart/mixed"))
    let parts = message.parts
    #expect(parts.count == 2)
    let alternatives = parts.first?.parts ?? []
    #expect(alternatives.map { $0.contentType.prefix(10) } == ["text/plain", "text/html;"])
    let text = alternatives.first?.body ?? ""
    // Worst first, one line per relationship that is not ok.
    let lines = text.components(separatedBy: "\r\n").filter {
      $0.hasPrefix("CRITICAL:") || $0.hasPrefix("WARNING:")
    }
    #expect(lines.count == 5)
    #expect(lines.last?.hasPrefix("WARNING:") == true)
    let attachment = parts.last
    #expect(
      attachment?.headers["content-disposition"] == "attachment; filename=\"failover-status.html\"")
    let published = try String(
      contentsOf: folder.appendingPathComponent("www/index.html"), encoding: .utf8)
    #expect(attachment?.body == published)
  }

  /// A large fleet's page is more than mail servers carry: past --attachment-limit the
  /// message names where the page is published and its digest instead, and past
  /// --detail-limit it lists what needs attention and counts the rest.
  @Test(
    "past the attachment limit the page is named, not attached; past the detail limit only problems are listed",
    arguments: [["--attachment-limit", "0"], ["--attachment-limit", "0", "--detail-limit", "3"]])
  func largePage(extra: [String]) throws {
    let (message, result, folder) = try demoEmail(extra)
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    let parts = message.parts
    #expect(parts.count == 1)
    #expect(!parts.contains { $0.headers["content-disposition"] != nil })
    let alternatives = parts.first?.parts ?? []
    let text = alternatives.first?.body ?? ""
    let html = alternatives.last?.body ?? ""
    let page = folder.appendingPathComponent("www/index.html").standardizedFileURL.path
    let digest = try String(
      contentsOf: folder.appendingPathComponent("www/index.html.sha256"), encoding: .utf8
    ).prefix(64)
    #expect(digest.count == 64)
    #expect(
      text.contains(
        "The full status page is not attached: --attachment-limit 0 says never to attach it. It is published as \(page), SHA-256 \(digest)."
      ), "\(text)")
    #expect(html.contains("<code>\(page)</code>, SHA-256 <code>\(digest)</code>"))
    #expect(
      PageValidator(schema: Assets.embedded.templates["schema.rng"]).validate(
        Array(html.utf8), name: "email.html"
      ).isEmpty)
    let rows = html.components(separatedBy: "<tr class=\"sev-").count - 1
    if extra.contains("--detail-limit") {
      // 10 relationships, 5 healthy: past a limit of 3, the 5 that need attention.
      #expect(rows == 5)
      #expect(!html.contains("<tr class=\"sev-ok\""))
      #expect(
        html.contains(
          "5 healthy relationships are not listed: with more than 3 relationships in all (--detail-limit)"
        ))
    } else {
      #expect(rows == 10)
      #expect(!html.contains("are not listed"))
    }
  }

  @Test("a size as the message writes it")
  func megabytes() {
    #expect(EmailPage.megabytes(69_512_345) == "69.5 MB")
    #expect(EmailPage.megabytes(10_000_000) == "10.0 MB")
    #expect(EmailPage.megabytes(49_999) == "0.0 MB")
    #expect(
      EmailPage.withheld(bytes: 69_512_345, limitBytes: 10_000_000, path: "/p", digest: "d")
        .withheldReason
        == "at 69.5 MB it is larger than the 10.0 MB this message may carry (--attachment-limit)")
    #expect(EmailPage.attached(name: "x.html").withheldReason == nil)
  }

  @Test("the email's HTML passes the publish gate and names every relationship")
  func htmlPassesTheGate() throws {
    let (message, _, folder) = try demoEmail()
    defer { try? FileManager.default.removeItem(at: folder) }
    let html = message.parts.first?.parts.last?.body ?? ""
    let problems = PageValidator(schema: Assets.embedded.templates["schema.rng"]).validate(
      Array(html.utf8), name: "email.html")
    #expect(problems.isEmpty, "\(problems)")
    #expect(html.contains("script-src 'none'") || html.contains("script-src &#39;none&#39;"))
    #expect(!html.contains("<script"))
    for name in [
      "dc3-kea-a &amp; dc3-kea-b", "dc8-failover", "LAN0", "LAN1", "dc7-kea-active",
    ] {
      #expect(html.contains(name), "\(name) is missing from the email")
    }
  }

  @Test("--mail-to pipes the message to sendmail -t -oi with a To header")
  func mailTo() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A stand-in for the MTA that records how it was called and what it was given.
    let sendmail = folder.appendingPathComponent("sendmail")
    try """
    #!/bin/sh
    printf '%s\\n' "$@" > "\(folder.path)/arguments"
    cat > "\(folder.path)/message"
    """.write(to: sendmail, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sendmail.path)
    let result = try TestSupport.run([
      "demo", "--output", folder.appendingPathComponent("www").path, "--mail-to",
      "noc@example.net", "--mail-to", "dhcp@example.net", "--mail-from", "reports@example.net",
      "--sendmail", sendmail.path,
    ])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    let arguments = try String(
      contentsOf: folder.appendingPathComponent("arguments"), encoding: .utf8)
    #expect(arguments == "-t\n-oi\n")
    let message = Part(
      entity: try String(contentsOf: folder.appendingPathComponent("message"), encoding: .utf8))
    #expect(message.headers["to"] == "noc@example.net, dhcp@example.net")
    #expect(message.headers["from"] == "reports@example.net")
    #expect(message.parts.count == 2)
  }

  @Test("a sendmail that is not there stops the run before anything is published")
  func noSendmail() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("no-such-sendmail").path
    let result = try TestSupport.run([
      "demo", "--output", folder.appendingPathComponent("www").path, "--mail-to", "noc@example.net",
      "--sendmail", missing,
    ])
    #expect(result.status == 3)
    #expect(
      result.stdout.hasPrefix("FAILOVER UNKNOWN - --sendmail \(missing) is not an executable"))
    #expect(result.stdout.contains("nothing was published, written or sent"))
    #expect(
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent("www/index.html").path))
  }

  @Test("a sendmail that fails after the page is published is said beside the verdict")
  func sendmailFails() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let sendmail = folder.appendingPathComponent("sendmail")
    try """
    #!/bin/sh
    cat > /dev/null
    echo "sendmail: cannot connect to the relay" >&2
    exit 75
    """.write(to: sendmail, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sendmail.path)
    for (scenario, status, label) in [
      ("partner-down", Int32(2), "CRITICAL - 1 of 1 relationship critical"),
      ("load-balancing", Int32(3), "UNKNOWN - the one relationship healthy"),
    ] {
      let output = folder.appendingPathComponent(scenario)
      let result = try TestSupport.run([
        "demo", "--scenario", scenario, "--output", output.path, "--mail-to", "noc@example.net",
        "--sendmail", sendmail.path,
      ])
      #expect(result.status == status, "critical stays critical; otherwise the job is unfinished")
      #expect(result.stdout.hasPrefix("FAILOVER \(label)"), "\(result.stdout)")
      #expect(
        result.stdout.contains(
          "; sending the email failed (\(sendmail.path) exited with status 75: sendmail: cannot connect to the relay; the email was not sent) |"
        ), "\(result.stdout)")
      #expect(
        FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
    }
  }

  @Test(
    "an address that could smuggle a header is refused before anything runs",
    arguments: [
      "noc@example.net\r\nBcc: all@example.net", "Ops <noc@example.net>", "a@b.net,c@d.net", "noc",
    ])
  func refusesOddAddresses(address: String) throws {
    let result = try TestSupport.run([
      "demo", "--output", "/nonexistent/never", "--mail-to", address,
    ])
    #expect(result.status == 3)
    #expect(result.stderr.contains("is not a plain email address"))
  }
}
