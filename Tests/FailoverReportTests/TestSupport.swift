import AsyncHTTPClient
import Foundation
import Testing

/// Paths and processes the tests share.
enum TestSupport {
  /// The repository root (this file is Tests/FailoverReportTests/TestSupport.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// `../shared`, beside the checkout.
  static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")

  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

  /// A test that needs something this machine lacks: skipped with the reason on a laptop, a
  /// failure where CI=true.
  static func skip(_ reason: String) {
    if isCI {
      Issue.record("CI=true but \(reason)")
    } else {
      print("skipped: \(reason)")
    }
  }

  /// The built `failover-report` binary, beside the test bundle.
  static var binary: URL {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
      root.appendingPathComponent(".build/debug"),
    ]
    for folder in candidates {
      let url = folder.appendingPathComponent("failover-report")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return root.appendingPathComponent(".build/debug/failover-report")
  }

  /// A fresh temporary folder, removed by the caller.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "fr-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs the binary to completion with `arguments`.
  static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
    try execute(binary, arguments, environment: environment)
  }

  /// The first of `names` found on PATH (or given as an absolute path) that can run.
  static func program(_ names: String...) -> URL? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(
      separator: ":")
    for name in names {
      if name.hasPrefix("/") {
        if FileManager.default.isExecutableFile(atPath: name) { return URL(fileURLWithPath: name) }
        continue
      }
      for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)")
      {
        return URL(fileURLWithPath: "\(folder)/\(name)")
      }
    }
    return nil
  }

  /// Runs any program to completion and collects what it printed.
  static func execute(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes to the end before waiting, so a full pipe never blocks the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  static func read(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

  /// Runs `body` with an HTTP client that is shut down on every path: a client dropped
  /// without `shutdown()` stops the whole test process.
  static func withHTTPClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
      let result = try await body(client)
      try await client.shutdown()
      return result
    } catch {
      try? await client.shutdown()
      throw error
    }
  }

  /// Relative paths of the files below `folder` that `include` accepts, sorted.
  static func files(in folder: URL, where include: (String) -> Bool) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
      if include(path) { files.append(path) }
    }
    return files.sorted()
  }

  /// The first fenced block after `marker` in the README, and the one after it when `second`.
  static func readmeBlock(_ marker: String, second: Bool = false) throws -> String {
    let readme = try String(
      contentsOf: TestSupport.root.appendingPathComponent("README.md"), encoding: .utf8)
    var rest = Substring(try #require(readme.components(separatedBy: marker).dropFirst().first))
    var block = ""
    for _ in 0..<(second ? 2 : 1) {
      let open = try #require(rest.range(of: "```"))
      let start = try #require(rest[open.upperBound...].firstIndex(of: "\n"))
      let close = try #require(rest[start...].range(of: "\n```"))
      block = String(rest[rest.index(after: start)..<close.lowerBound])
      rest = rest[close.upperBound...]
    }
    return block
  }
}
