import Foundation

/// What a job writes besides the page, and how: the plain values behind the flags `run`,
/// `demo`, `merge` and `render` share, so any front end (the command line, a test, a wrapper)
/// can run the job.
public struct PublishSettings: Sendable {
  /// Also archive the page and snapshot under this folder, and keep its index.
  public var archive: String?
  /// Archived days older than this many days are deleted.
  public var keepDays: Int?
  /// Keep a run's page and snapshot only if something changed or the last kept copy is this
  /// many seconds old (0: keep every run's).
  public var archiveIntervalSeconds = 0
  /// Where the RFC 5322 email is written.
  public var email: String?
  /// Who the email is sent to through sendmail.
  public var mailTo: [String] = []
  public var mailWhen: MailWhen = .always
  public var mailDaily: DailyTime?
  public var mailFrom: String?
  /// The sendmail program; nil: the usual places.
  public var sendmail: String?
  /// The page is attached to the email only up to this many megabytes.
  public var attachmentLimitMegabytes = 10
  /// The acknowledgements and maintenance windows file.
  public var acknowledgements: String?
  /// Where the node_exporter textfile is written.
  public var metrics: String?
  /// Where the assessed snapshot's JSON is written.
  public var json: String?
  /// Where the pseudonymized copy is published, and the file holding its key.
  public var share: String?
  public var shareKey: String?
  /// How long to wait for another run's lock on the output folder.
  public var lockTimeoutSeconds: Double = 30
  /// Templates and static assets to use instead of the built-in ones.
  public var templates: String?
  public var publicFolder: String?
  /// Past this many relationships, healthy ones get one line each (0: always).
  public var detailLimit: Int
  /// Print a line per relationship that is not ok after the status line.
  public var verbose = false

  public init(detailLimit: Int) {
    self.detailLimit = detailLimit
  }
}

/// When the email is written and sent: every run, or only when something changed.
public enum MailWhen: String, CaseIterable, Sendable {
  case always, changed
}

/// A time of day in UTC, as `HH:MM`: when the daily digest goes.
public struct DailyTime: Sendable, Equatable {
  /// Seconds after midnight UTC.
  public var secondsIntoDay: Int

  /// Nil unless `text` is `HH:MM` with an hour below 24 and a minute below 60.
  public init?(_ text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
      let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
    else { return nil }
    secondsIntoDay = hour * 3600 + minute * 60
  }

  /// Whether a run at `now` is the day's first at or after this time, the run before it
  /// having been at `previous` (nil: there was none).
  public func isDue(now: Date, previous: Date?) -> Bool {
    let seconds = Int(now.timeIntervalSince1970)
    let today = seconds - seconds % 86_400 + secondsIntoDay
    guard seconds >= today else { return false }
    return previous.map { Int($0.timeIntervalSince1970) < today } ?? true
  }
}
