import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress bar on stderr while appliances are asked, drawn only when stderr is a
/// terminal: cron mail and log files never see it.
struct ProgressBar: Sendable {
  /// Nil when stderr is not a terminal.
  static func forStandardError() -> ProgressBar? {
    isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
  }

  static func line(done: Int, total: Int, width: Int = 30) -> String {
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    return "\r[\(bar)] \(done)/\(total) appliances"
  }

  func update(done: Int, total: Int) {
    FileHandle.standardError.write(Data(Self.line(done: done, total: total).utf8))
  }

  /// Clears the line, so the next log line starts clean.
  func finish() {
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
