import ArgumentParser

/// The flags of the commands that ask appliances (`run`, `demo`): how long and how many at
/// once. `merge` and `render` ask nothing, so they do not take them.
struct CollectionOptions: ParsableArguments {
  @Option(name: .long, help: "Seconds one appliance may take (default: the inventory's, else 5).")
  var timeout: Double?

  @Option(name: .long, help: "Seconds the whole collection may take.")
  var deadline: Double = 60

  @Option(
    name: .long, help: "How many appliances are asked at once (default: the inventory's, else 64).")
  var concurrency: Int?

  func validate() throws {
    if let timeout, !(timeout > 0 && timeout <= 3600) {
      throw ValidationError("--timeout must be between 0 and 3600 seconds")
    }
    if !(deadline > 0 && deadline <= 86400) {
      throw ValidationError("--deadline must be between 0 and 86400 seconds")
    }
    if let concurrency, !(1...4096).contains(concurrency) {
      throw ValidationError("--concurrency must be from 1 to 4096")
    }
  }
}
