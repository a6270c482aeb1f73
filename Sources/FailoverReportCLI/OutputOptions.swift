import ArgumentParser
import Foundation
import Job
import Report

/// The flags every publishing command shares (`run`, `demo`, `merge`, `render`): what is
/// written besides the page, and how.
struct OutputOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Also write the page and snapshot under DIR/YYYY/MM/DD/ and keep an index.", valueName: "DIR")
  )
  var archive: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "With --archive: delete archived days older than N days.", valueName: "N"))
  var keepDays: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "With --archive: keep a run's page and snapshot only if something changed since the run before or the last kept copy is TIME old, as 3600 or 1h (every run's summary is kept; 0: keep every run's).",
      valueName: "TIME"))
  var archiveInterval = Seconds(0)

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Write an RFC 5322 email (text and HTML) to FILE, ready for sendmail -t.", valueName: "FILE"))
  var email: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Send the email to ADDR through the local sendmail (repeat for more recipients).",
      valueName: "ADDR"))
  var mailTo: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp(
      "When to write and send the email: always (every run), or changed (only when the verdict, a relationship's severity or an acknowledgement changed since the previous archived run; needs --archive).",
      valueName: "WHEN"))
  var mailWhen: MailWhen = .always

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Also send one digest a day, with the first run at or after HH:MM UTC (needs --archive).",
      valueName: "HH:MM"))
  var mailDaily: DailyTime?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The email's From address (default: failover-report@ this machine's host name).",
      valueName: "ADDR"))
  var mailFrom: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The sendmail program (default: the first of /usr/sbin/sendmail, /usr/lib/sendmail, or sendmail on PATH).",
      valueName: "PATH"))
  var sendmail: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Attach the page to the email only up to MB megabytes; a larger page is named by its path and digest instead (0: never attach).",
      valueName: "MB"))
  var attachmentLimit: Int = 10

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Acknowledgements and maintenance windows, a YAML file (see the README); what they cover keeps its severity on the page but is left out of the verdict.",
      valueName: "FILE"))
  var acknowledgements: String?

  @Option(
    name: .long, help: ArgumentHelp("Write a node_exporter textfile to FILE.", valueName: "FILE"))
  var metrics: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Write the assessed snapshot as JSON to FILE.", valueName: "FILE"))
  var json: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Also publish a copy to share (a vendor, an auditor) in DIR: every name, URL, host name, IP and MAC address replaced by a keyed pseudonym (needs --share-key).",
      valueName: "DIR"))
  var share: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "The secret the shared copy's pseudonyms are made with (at least 16 bytes; the same key gives the same pseudonyms in every run).",
      valueName: "FILE"))
  var shareKey: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "How long to wait for another run's lock on the output folder (30, 2 min).",
      valueName: "TIME"))
  var lockTimeout = Seconds(30)

  @Option(
    name: .long,
    help: ArgumentHelp("Use templates from DIR instead of the built-in ones.", valueName: "DIR"))
  var templates: String?

  @Option(
    name: .customLong("public"),
    help: ArgumentHelp("Use static assets from DIR instead of the built-in ones.", valueName: "DIR")
  )
  var publicFolder: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Past N relationships on the page, those judged OK get one line each instead of every field (0: always).",
      valueName: "N"))
  var detailLimit: Int = PageRenderer.defaultDetailLimit

  @Flag(
    name: .shortAndLong,
    help: "Log progress and print a summary of every relationship that is not ok.")
  var verbose = false

  /// The job's settings these flags give.
  var settings: PublishSettings {
    var settings = PublishSettings(detailLimit: detailLimit)
    settings.archive = archive
    settings.keepDays = keepDays
    settings.archiveIntervalSeconds = archiveInterval.whole
    settings.email = email
    settings.mailTo = mailTo
    settings.mailWhen = mailWhen
    settings.mailDaily = mailDaily
    settings.mailFrom = mailFrom
    settings.sendmail = sendmail
    settings.attachmentLimitMegabytes = attachmentLimit
    settings.acknowledgements = acknowledgements
    settings.metrics = metrics
    settings.json = json
    settings.share = share
    settings.shareKey = shareKey
    settings.lockTimeoutSeconds = lockTimeout.value
    settings.templates = templates
    settings.publicFolder = publicFolder
    settings.verbose = verbose
    return settings
  }

  func validate() throws {
    for address in mailTo + [mailFrom].compactMap({ $0 })
    where !EmailMessage.isPlainAddress(address) {
      throw ValidationError(
        "'\(address)' is not a plain email address (name@domain, without spaces, commas or angle brackets)"
      )
    }
    if archiveInterval.value != 0 {
      guard archive != nil else { throw ValidationError("--archive-interval needs --archive DIR") }
      guard (0...86_400).contains(archiveInterval.value) else {
        throw ValidationError("--archive-interval must be from 0 to 1 d")
      }
    }
    guard (0...86_400).contains(lockTimeout.value) else {
      throw ValidationError("--lock-timeout must be from 0 to 1 d")
    }
    if let keepDays {
      guard archive != nil else { throw ValidationError("--keep-days needs --archive DIR") }
      guard (1...36_500).contains(keepDays) else {
        throw ValidationError("--keep-days must be from 1 to 36500")
      }
    }
    if (share == nil) != (shareKey == nil) {
      throw ValidationError(
        share == nil
          ? "--share-key needs --share DIR"
          : "--share needs --share-key FILE, a secret of at least 16 bytes (head -c 32 /dev/urandom > share.key)"
      )
    }
    if mailWhen == .changed || mailDaily != nil {
      let flag = mailWhen == .changed ? "--mail-when changed" : "--mail-daily"
      guard archive != nil else {
        throw ValidationError(
          "\(flag) needs --archive DIR: what changed, and when the last mail went, is read from the previous archived run"
        )
      }
      guard email != nil || !mailTo.isEmpty else {
        throw ValidationError("\(flag) needs --email FILE or --mail-to ADDR")
      }
    }
    if detailLimit < 0 { throw ValidationError("--detail-limit must be 0 or more") }
    if !(0...1000).contains(attachmentLimit) {
      throw ValidationError("--attachment-limit must be from 0 to 1000 megabytes")
    }
  }
}

extension MailWhen: ExpressibleByArgument {}

extension DailyTime: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}
