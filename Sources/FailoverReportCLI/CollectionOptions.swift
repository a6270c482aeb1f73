import ArgumentParser
import Job

/// The flags of the commands that ask appliances (`run`, `demo`): how long and how many at
/// once. `merge` and `render` ask nothing, so they do not take them.
struct CollectionOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "How long one appliance may take, as 5, 5s or 500 ms (default: the inventory's, else 5 s).",
      valueName: "TIME"))
  var timeout: Seconds?

  @Option(
    name: .long,
    help: ArgumentHelp("How long the whole collection may take (90, 2 min).", valueName: "TIME"))
  var deadline = Seconds(60)

  @Option(
    name: .long, help: "How many appliances are asked at once (default: the inventory's, else 64).")
  var concurrency: Int?

  /// The job's limits these flags give.
  var limits: CollectionLimits {
    CollectionLimits(
      timeoutSeconds: timeout?.value, concurrency: concurrency, deadlineSeconds: deadline.value)
  }

  func validate() throws {
    if let timeout, !(timeout.value > 0 && timeout.value <= 3600) {
      throw ValidationError("--timeout must be more than 0 and at most 1 h")
    }
    if !(deadline.value > 0 && deadline.value <= 86400) {
      throw ValidationError("--deadline must be more than 0 and at most 1 d")
    }
    if let concurrency, !(1...4096).contains(concurrency) {
      throw ValidationError("--concurrency must be from 1 to 4096")
    }
  }
}
