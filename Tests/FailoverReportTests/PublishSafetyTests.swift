import Foundation
import Parallelism
import Publishing
import Report
import Testing
import Validation

#if canImport(Glibc)
  import Glibc
#endif

/// What cron will do to the job for years: kill it at any moment, start it again while the
/// last run is still going, and read everything it writes.
@Suite("Publishing under kills, overlaps and secrets")
struct PublishSafetyTests {
  static let fixture = TestSupport.fixtures.appendingPathComponent("pinned-page")

  /// Starts the binary without waiting for it.
  private func launch(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = TestSupport.binary
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Waits for a child and returns its exit status, or 128 + the signal that ended it.
  private func reap(_ process: Process) -> Int32 {
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal
      ? 128 + process.terminationStatus : process.terminationStatus
  }

  private func render(into folder: URL, lockTimeout: Int = 30) -> [String] {
    [
      "render", "--snapshot", Self.fixture.appendingPathComponent("snapshot.json").path,
      "--output", folder.path, "--lock-timeout", String(lockTimeout),
    ]
  }

  @Test("killed with SIGKILL at 20 random moments, a run never leaves a partial or invalid page")
  func killedAtRandom() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let expected = try TestSupport.read(Self.fixture.appendingPathComponent("index.html"))
    let validator = PageValidator(schema: Assets.embedded.templates["schema.rng"])
    var landedAfterPublish = 0
    for _ in 0..<20 {
      let process = try launch(render(into: folder))
      usleep(UInt32.random(in: 0...250_000))
      kill(process.processIdentifier, SIGKILL)
      let status = reap(process)
      let page = folder.appendingPathComponent("index.html")
      guard FileManager.default.fileExists(atPath: page.path) else { continue }
      let bytes = try TestSupport.read(page)
      #expect(bytes == expected, "index.html is not the whole page (exit \(status))")
      #expect(validator.validate(bytes).isEmpty)
      if status == 2 { landedAfterPublish += 1 }
    }
    // A complete run afterwards publishes the page and sweeps the killed runs' temporary files.
    let final = try launch(render(into: folder))
    #expect(reap(final) == 2)
    #expect(try TestSupport.read(folder.appendingPathComponent("index.html")) == expected)
    let leftovers = TestSupport.files(in: folder) { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty, "\(leftovers)")
    let digest = try String(
      contentsOf: folder.appendingPathComponent("index.html.sha256"), encoding: .utf8)
    #expect(digest.hasSuffix("  index.html\n"))
  }

  @Test("four runs started together on one folder take turns and leave one whole page")
  func overlappingRuns() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let processes = try (0..<4).map { _ in try launch(render(into: folder, lockTimeout: 60)) }
    let statuses = processes.map(reap)
    #expect(statuses == [2, 2, 2, 2])
    let expected = try TestSupport.read(Self.fixture.appendingPathComponent("index.html"))
    #expect(try TestSupport.read(folder.appendingPathComponent("index.html")) == expected)
    #expect(TestSupport.files(in: folder) { $0.contains(".tmp-") }.isEmpty)
  }

  @Test("the inventory's secrets appear in no output file, no archive, no email and no log")
  func secretsStayOut() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run([
      "demo", "--output", folder.appendingPathComponent("www").path, "--archive",
      folder.appendingPathComponent("archive").path, "--metrics",
      folder.appendingPathComponent("metrics.prom").path, "--json",
      folder.appendingPathComponent("snapshot.json").path, "--email",
      folder.appendingPathComponent("status.eml").path, "-v",
    ])
    #expect(result.status == 2)
    let secrets = ["demo-monitor-secret", "demo-peer-secret", "demo-edge-key"]
    // Also as they travel: in a Basic authorization header, and base64-encoded in the email.
    var needles = secrets + [Data("monitor:demo-monitor-secret".utf8).base64EncodedString()]
    needles += secrets.map {
      Data($0.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
    let files = TestSupport.files(in: folder) { _ in true }.filter { path in
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(
        atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
      return !isFolder.boolValue
    }
    #expect(files.count >= 8, "\(files)")
    var texts = [("stdout", result.stdout), ("stderr", result.stderr)]
    for file in files {
      let bytes = try TestSupport.read(folder.appendingPathComponent(file))
      texts.append((file, String(decoding: bytes, as: UTF8.self)))
    }
    // The email's parts are base64: search them decoded too.
    let email = try String(contentsOf: folder.appendingPathComponent("status.eml"), encoding: .utf8)
    for part in EmailTests.Part(entity: email).parts.flatMap({ [$0] + $0.parts }) {
      texts.append(("email part", part.body))
    }
    for (name, text) in texts {
      for needle in needles {
        #expect(!text.contains(needle), "\(name) holds a secret")
      }
    }
  }

  @Test(
    "a page written as it is rendered gives the files of a page written whole; one whose renderer gave up leaves none"
  )
  func stagedFromStream() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = try TestSupport.read(Self.fixture.appendingPathComponent("index.html"))
    let snapshot = try TestSupport.read(Self.fixture.appendingPathComponent("snapshot.json"))
    let names = ["index.html", "index.html.sha256", "snapshot.json", "snapshot.json.sha256"]
    func published(_ folder: URL) throws -> [[UInt8]] {
      try names.map { try TestSupport.read(folder.appendingPathComponent($0)) }
    }
    let whole = folder.appendingPathComponent("whole")
    try Publisher(folder: whole.path).prepare()
    try Publisher(folder: whole.path).stage(page: page, snapshot: snapshot).commit()
    let streamed = folder.appendingPathComponent("streamed")
    try Publisher(folder: streamed.path).prepare()
    let stream = ByteStream()
    let staging = DedicatedThread(name: "stage") {
      Result { try Publisher(folder: streamed.path).stage(page: stream, snapshot: snapshot) }
    }
    for start in stride(from: 0, to: page.count, by: 4_093) {
      stream.write(Array(page[start..<min(page.count, start + 4_093)]))
    }
    stream.finish()
    try staging.wait().get().commit()
    #expect(try published(streamed) == published(whole))
    #expect(
      String(
        decoding: try TestSupport.read(streamed.appendingPathComponent("index.html.sha256")),
        as: UTF8.self)
        == Publisher.sha256Line(page, name: "index.html"))
    // The renderer gives up half way: staging fails, and leaves no file, staged or published.
    let broken = folder.appendingPathComponent("broken")
    try Publisher(folder: broken.path).prepare()
    let abandoned = ByteStream()
    let failing = DedicatedThread(name: "stage") {
      Result { try Publisher(folder: broken.path).stage(page: abandoned, snapshot: snapshot) }
    }
    abandoned.write(Array(page.prefix(page.count / 2)))
    abandoned.abandon()
    #expect(throws: PublishError.self) { try failing.wait().get() }
    #expect(TestSupport.files(in: broken) { _ in true }.isEmpty)
  }
}
