import Foundation
import Testing

/// The files a run writes beside its page (`--json`, `--metrics`, `--email`, `--archive`):
/// their folders are made ready before anything is published, a path that cannot be written
/// stops the run with nothing changed, and what still fails after the page is published is
/// said beside the verdict, never instead of it.
@Suite("Side outputs")
struct SideOutputTests {
  @Test("folders that do not exist yet are created for every side output")
  func createsFolders() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let metrics = folder.appendingPathComponent("node/textfile/failover.prom")
    let email = folder.appendingPathComponent("mail/out/status.eml")
    let json = folder.appendingPathComponent("json/snapshot.json")
    let archive = folder.appendingPathComponent("evidence/archive")
    let result = try TestSupport.run([
      "demo", "--scenario", "partner-down", "--output", folder.appendingPathComponent("www").path,
      "--metrics", metrics.path, "--email", email.path, "--json", json.path, "--archive",
      archive.path,
    ])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    for file in [metrics, email, json, archive.appendingPathComponent("index.html")] {
      #expect(FileManager.default.fileExists(atPath: file.path), "\(file.path)")
    }
  }

  @Test("paths that cannot be written stop the run, all named at once, with nothing changed")
  func refusesBeforePublishing() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (output, published) = try CommandLineTests.publishHealthyPage(in: folder)
    // A folder that cannot be made, whoever runs the test (root included): its parent is a file.
    let blocker = folder.appendingPathComponent("not-a-folder")
    try Data("x".utf8).write(to: blocker)
    let metrics = blocker.appendingPathComponent("failover.prom").path
    let email = blocker.appendingPathComponent("mail/status.eml").path
    let archive = folder.appendingPathComponent("archive")
    let result = try TestSupport.run([
      "demo", "--scenario", "partner-down", "--output", output.path, "--metrics", metrics,
      "--email", email, "--archive", archive.path,
    ])
    #expect(result.status == 3)
    #expect(
      result.stdout.hasPrefix(
        "FAILOVER UNKNOWN - --metrics \(metrics): \(blocker.path) is a file, not a folder; --email \(email): the folder \(blocker.path)/mail cannot be created ("
      ), "\(result.stdout)")
    #expect(result.stdout.contains("; nothing was published, written or sent"))
    #expect(try TestSupport.read(output.appendingPathComponent("index.html")) == published)
    #expect(
      TestSupport.files(in: archive) { $0.hasSuffix(".html") || $0.hasSuffix(".tsv") }.isEmpty,
      "no archive entry for a run that published nothing")
  }

  @Test("a side output that fails after the page is published keeps the verdict and says which")
  func failsAfterPublishing() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The archive folder can be written, but this year's folder in it is a file: storing the
    // run fails only once the page is out.
    let archive = folder.appendingPathComponent("archive")
    try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
    let year = Calendar(identifier: .gregorian).dateComponents(
      in: TimeZone(identifier: "UTC") ?? .current, from: Date()
    ).year.map(String.init)
    try Data().write(to: archive.appendingPathComponent(year ?? "2026"))
    let metrics = folder.appendingPathComponent("failover.prom")
    let output = folder.appendingPathComponent("www")
    let result = try TestSupport.run([
      "demo", "--scenario", "partner-down", "--output", output.path, "--archive", archive.path,
      "--metrics", metrics.path,
    ])
    #expect(result.status == 2, "a critical verdict stays critical")
    #expect(
      result.stdout.hasPrefix("FAILOVER CRITICAL - 1 of 1 relationship critical"),
      "\(result.stdout)")
    #expect(result.stdout.contains("; --archive \(archive.path) failed ("), "\(result.stdout)")
    #expect(!result.stdout.contains("cannot publish"))
    #expect(result.stderr.contains("--archive \(archive.path) failed after the page was published"))
    #expect(
      FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
    #expect(FileManager.default.fileExists(atPath: metrics.path))
  }
}
