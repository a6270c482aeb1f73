import ArgumentParser
import Snapshot

/// A length of time on the command line, as the inventory takes it: `90`, `5s`, `500 ms`,
/// `15 min`, `1h`.
struct Seconds: ExpressibleByArgument, Sendable, Equatable {
  var value: Double

  init(_ value: Double) { self.value = value }

  init?(argument: String) {
    guard let value = DurationText.seconds(argument) else { return nil }
    self.value = value
  }

  /// Rounded to whole seconds, for the flags that count in them.
  var whole: Int { Int(value.rounded()) }

  var defaultValueDescription: String {
    value == value.rounded() ? "\(Int(value))s" : "\(value)s"
  }
}
