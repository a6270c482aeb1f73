import Foundation

/// Hands a message to the local mail transfer agent with `sendmail -t -oi`, as cron jobs
/// have always sent mail.
public struct Sendmail: Sendable {
  /// Where sendmail lives on Debian, the BSDs and most MTAs (Postfix, Exim, msmtp-mta, …).
  public static let usualPlaces = ["/usr/sbin/sendmail", "/usr/lib/sendmail"]

  public let path: String

  /// The sendmail to use: the one asked for, else the first one installed.
  public static func locate(_ requested: String?) throws -> Sendmail {
    if let requested {
      guard FileManager.default.isExecutableFile(atPath: requested) else {
        throw SendmailError(
          "--sendmail \(requested) is not an executable file; the email was not sent")
      }
      return Sendmail(path: requested)
    }
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
      "\($0)/sendmail"
    }
    guard let found = (usualPlaces + path).first(where: FileManager.default.isExecutableFile)
    else {
      throw SendmailError(
        "no sendmail is installed (looked in \(usualPlaces.joined(separator: ", ")) and on PATH), so the email was not sent; install a mail transfer agent such as postfix or msmtp-mta, name one with --sendmail, or write the message with --email FILE"
      )
    }
    return Sendmail(path: found)
  }

  /// Pipes the message in and waits; a non-zero exit is an error that quotes sendmail's own
  /// words.
  public func send(_ message: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["-t", "-oi"]
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw SendmailError("cannot start \(path): \(error.localizedDescription)")
    }
    try? input.fileHandleForWriting.write(contentsOf: Data(message.utf8))
    try? input.fileHandleForWriting.close()
    let complaint = errors.fileHandleForReading.readDataToEndOfFile().prefix(500)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let said = String(decoding: complaint, as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
      throw SendmailError(
        "\(path) exited with status \(process.terminationStatus)\(said.isEmpty ? "" : ": \(said)"); the email was not sent"
      )
    }
  }
}

/// Why an email could not be handed to sendmail.
public struct SendmailError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
