import Assessment
import Foundation
import Logging
import Snapshot

/// Logs to stderr as `2026-11-21T23:40:12Z level message key=value ...`, UTC, no colour, one
/// line per entry, so cron mail and journald read it as it is.
struct StderrLogHandler: LogHandler {
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level
  let label: String

  init(label: String, level: Logger.Level) {
    self.label = label
    self.logLevel = level
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var merged = metadata
    if let extra = event.metadata { merged.merge(extra) { _, new in new } }
    let pairs = merged.keys.sorted().map { key in
      "\(key)=\(Self.quoted("\(merged[key].map { "\($0)" } ?? "")"))"
    }
    let line =
      ([Self.timestamp(), "\(event.level)", "\(event.message)"] + pairs).joined(separator: " ")
      + "\n"
    FileHandle.standardError.write(Data(line.utf8))
  }

  static func timestamp() -> String { Timestamp.iso(Date()) }

  static func quoted(_ value: String) -> String {
    value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
      ? "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : value
  }
}

enum Logs {
  static func logger(verbose: Bool) -> Logger {
    Logger(label: "failover-report") { label in
      StderrLogHandler(label: label, level: verbose ? .info : .warning)
    }
  }
}
