import Foundation
import Logging

/// Logs each stage of publishing with the seconds it took (seen with `-v`), so an operator can
/// tell where a slow run spends its time.
struct StageTimer {
  let logger: Logger
  private var last = ContinuousClock.now

  init(logger: Logger) { self.logger = logger }

  mutating func lap(_ stage: String, _ metadata: Logger.Metadata = [:]) {
    let now = ContinuousClock.now
    let elapsed = now - last
    last = now
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var metadata = metadata
    metadata["seconds"] = "\(String(format: "%.3f", seconds))"
    logger.info("\(stage)", metadata: metadata)
  }
}
