import Foundation
import Simulator
import Testing

/// The email as a mail system receives it: handed to Debian's msmtp (a sendmail-compatible
/// program, run with `-t -oi` as any sendmail is), relayed over SMTP to a server on 127.0.0.1
/// that the test starts (aiosmtpd), and read back from what that server received.
@Suite("Email delivery through msmtp")
struct EmailDeliveryTests {
  /// A running SMTP sink and the folder it writes what it receives to.
  final class SMTPSink {
    let port: Int
    let folder: URL
    private let process: Process
    private let input: Pipe

    init(folder: URL) throws {
      port = try FreePort.find()
      self.folder = folder
      process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [
        "python3", TestSupport.fixtures.appendingPathComponent("smtp/sink.py").path, "\(port)",
        folder.path,
      ]
      input = Pipe()
      let output = Pipe()
      process.standardInput = input
      process.standardOutput = output
      try process.run()
      // It says "ready" once it accepts connections, or ends without a word if it cannot.
      let said = output.fileHandleForReading.availableData
      guard String(decoding: said, as: UTF8.self).hasPrefix("ready") else {
        stop()
        throw SinkError()
      }
    }

    func stop() {
      try? input.fileHandleForWriting.close()
      process.waitUntilExit()
    }

    /// The messages received, in order: envelope recipients and the DATA as sent.
    func received() throws -> [(recipients: [String], sender: String, data: String)] {
      var messages: [(recipients: [String], sender: String, data: String)] = []
      var index = 0
      while FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("\(index).eml").path)
      {
        let base = folder.appendingPathComponent("\(index)")
        messages.append(
          (
            recipients: try String(contentsOf: base.appendingPathExtension("to"), encoding: .utf8)
              .split(separator: "\n").map(String.init),
            sender: try String(contentsOf: base.appendingPathExtension("from"), encoding: .utf8),
            data: try String(contentsOf: base.appendingPathExtension("eml"), encoding: .utf8)
          ))
        index += 1
      }
      return messages
    }

    struct SinkError: Error {}
  }

  /// msmtp, and a Python with aiosmtpd, or nil after saying what is missing.
  static func msmtp() -> URL? {
    guard let msmtp = TestSupport.program("msmtp") else {
      TestSupport.skip("msmtp is not installed (apt-get install msmtp)")
      return nil
    }
    let probe = try? TestSupport.execute(
      URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import aiosmtpd"])
    guard probe?.status == 0 else {
      TestSupport.skip("Python's aiosmtpd is not installed (python3 -m pip install aiosmtpd)")
      return nil
    }
    return msmtp
  }

  @Test("the message reaches an SMTP server whole: recipients from its headers, every part intact")
  func deliveredWhole() throws {
    guard let msmtp = Self.msmtp() else { return }
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inbox = folder.appendingPathComponent("inbox")
    try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
    let sink = try SMTPSink(folder: inbox)
    defer { sink.stop() }
    // msmtp reads its configuration from $HOME/.msmtprc, which must be private to its user.
    let home = folder.appendingPathComponent("home")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    let configuration = home.appendingPathComponent(".msmtprc")
    try """
    account default
    host 127.0.0.1
    port \(sink.port)
    auth off
    tls off
    from reports@example.net
    """.write(to: configuration, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o600], ofItemAtPath: configuration.path)
    let written = folder.appendingPathComponent("status.eml")
    let output = folder.appendingPathComponent("www")
    let result = try TestSupport.run(
      [
        "demo", "--output", output.path, "--email", written.path, "--mail-to", "noc@example.net",
        "--mail-to", "dhcp@example.net", "--mail-from", "reports@example.net", "--sendmail",
        msmtp.path,
      ], environment: ["HOME": home.path, "PATH": "/usr/bin:/bin"])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.hasPrefix("FAILOVER CRITICAL - 4 of 10 relationships critical"))
    let messages = try sink.received()
    try #require(messages.count == 1)
    let delivered = messages[0]
    #expect(delivered.recipients == ["noc@example.net", "dhcp@example.net"])
    #expect(delivered.sender == "reports@example.net")
    // What arrived is what the run wrote to --email, byte for byte.
    #expect(delivered.data == (try String(contentsOf: written, encoding: .utf8)))
    let message = EmailTests.Part(entity: delivered.data)
    #expect(message.headers["from"] == "reports@example.net")
    #expect(message.headers["to"] == "noc@example.net, dhcp@example.net")
    #expect(
      message.headers["subject"] == "[CRITICAL] DHCP failover: 4 of 10 relationships critical")
    #expect(message.headers["auto-submitted"] == "auto-generated")
    #expect(message.headers["date"]?.hasSuffix("+0000") == true)
    #expect(message.headers["message-id"]?.hasPrefix("<") == true)
    let alternatives = message.parts.first?.parts ?? []
    #expect(alternatives.map { String($0.contentType.prefix(10)) } == ["text/plain", "text/html;"])
    #expect(alternatives.first?.body.contains("CRITICAL:") == true)
    #expect(alternatives.last?.body.contains("<!DOCTYPE html>") == true)
    let page = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(message.parts.last?.body == page, "the attachment is the published page")
  }

  @Test("without --mail-from the message still has a From, so any mail system takes it")
  func defaultSender() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let written = folder.appendingPathComponent("status.eml")
    let result = try TestSupport.run([
      "demo", "--scenario", "load-balancing", "--output", folder.appendingPathComponent("www").path,
      "--email", written.path,
    ])
    #expect(result.status == 0)
    let message = EmailTests.Part(entity: try String(contentsOf: written, encoding: .utf8))
    let from = message.headers["from"] ?? ""
    #expect(from.hasPrefix("failover-report@") && from.count > "failover-report@".count)
    #expect(message.headers["to"] == nil, "no recipients given, none invented")
  }
}
