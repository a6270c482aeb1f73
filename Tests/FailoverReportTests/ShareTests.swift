import Foundation
import Snapshot
import Testing

/// `--share DIR --share-key FILE`: a copy of the page and snapshot for a vendor or an auditor,
/// with every name and address a keyed pseudonym and everything else as the run saw it.
@Suite("A redacted copy to share")
struct ShareTests {
  /// Every name and address of the run: the inventory's (names, sites, URLs, hosts) and the
  /// answers' (HA server names, peers' names and URLs, scopes, failover groups), read from
  /// the snapshot's structure and from the answers it keeps.
  static func secrets(of snapshotFile: URL) throws -> Set<String> {
    let tree = try JSONSerialization.jsonObject(with: Data(contentsOf: snapshotFile))
    var found: Set<String> = []
    let named: Set<String> = [
      "name", "site", "thisServerName", "serverName", "this-server-name", "server-name",
    ]
    func walk(_ value: Any, key: String?) {
      if let object = value as? [String: Any] {
        for (member, inner) in object {
          if member == "body", let text = inner as? String,
            let json = try? JSONSerialization.jsonObject(with: Data(text.utf8))
          {
            walk(json, key: nil)
          }
          walk(inner, key: member)
        }
      } else if let list = value as? [Any] {
        for element in list { walk(element, key: key) }
      } else if let text = value as? String, let key {
        if named.contains(key) || key == "scopes" || key == "last-scopes" { found.insert(text) }
        if ["endpoint", "url"].contains(key), let url = URL(string: text) {
          found.insert(text)
          if let host = url.host { found.insert(host) }
          // A path segment names the simulated appliance.
          found.formUnion(url.pathComponents.filter { $0 != "/" })
        }
      }
    }
    walk(tree, key: nil)
    // The simulator's paths name the kind of appliance, which the copy names as well.
    return found.filter { !$0.isEmpty && ApplianceKind(rawValue: $0) == nil }
  }

  static func runDemo(in folder: URL, key: URL, name: String) throws -> TestSupport.Result {
    try TestSupport.run([
      "demo", "--output", folder.appendingPathComponent("www-\(name)").path, "--share",
      folder.appendingPathComponent("shared-\(name)").path, "--share-key", key.path,
    ])
  }

  @Test("the shared copy holds no name or address, passes the gate, and shows the same severities")
  func sharedCopy() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = folder.appendingPathComponent("share.key")
    try Data((0..<32).map { UInt8($0 * 7 % 256) }).write(to: key)
    let result = try Self.runDemo(in: folder, key: key, name: "one")
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    let shared = folder.appendingPathComponent("shared-one")
    let secrets = try Self.secrets(of: folder.appendingPathComponent("www-one/snapshot.json"))
    #expect(secrets.count > 40, "the search finds the demo's names: \(secrets.sorted())")
    #expect(secrets.contains("127.0.0.1") && secrets.contains("dc3-kea-a"))
    for file in ["index.html", "snapshot.json"] {
      let text = try String(contentsOf: shared.appendingPathComponent(file), encoding: .utf8)
      let leaked = secrets.filter { text.contains($0) }
      #expect(leaked.isEmpty, "\(file) holds \(leaked.sorted())")
    }
    let page = try String(contentsOf: shared.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(page.contains("<strong>Redacted copy:</strong>"))
    let checked = try TestSupport.run([
      "validate", shared.appendingPathComponent("index.html").path,
    ])
    #expect(checked.status == 0, "\(checked.stdout)")
    // The same verdict, the same severities and reasons, under other names (the order of
    // relationships of one severity is by name, so it differs).
    func rendered(_ snapshot: URL, _ output: String) throws -> TestSupport.Result {
      try TestSupport.run([
        "render", "--snapshot", snapshot.path, "--output",
        folder.appendingPathComponent(output).path, "-v",
      ])
    }
    let original = try rendered(folder.appendingPathComponent("www-one/snapshot.json"), "again")
    let copy = try rendered(shared.appendingPathComponent("snapshot.json"), "again-shared")
    #expect(copy.status == original.status)
    func severities(_ result: TestSupport.Result) -> [String] {
      result.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != ":" }) }
    }
    #expect(severities(copy) == severities(original))
    #expect(severities(copy).count >= 5)
    func counts(_ result: TestSupport.Result) -> [Substring] {
      let line = result.stdout.split(separator: "\n").first ?? ""
      return (line.split(separator: "|").last ?? "").split(separator: " ").filter {
        !$0.hasPrefix("duration=")
      }
    }
    #expect(counts(copy) == counts(original), "\(copy.stdout)")
    #expect(copy.stdout.hasPrefix("FAILOVER CRITICAL - 4 of 10 relationships critical"))
  }

  @Test("the same key gives the same pseudonyms in every run; another key other ones")
  func stablePseudonyms() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = folder.appendingPathComponent("share.key")
    try Data((0..<32).map { UInt8($0) }).write(to: key)
    let other = folder.appendingPathComponent("other.key")
    try Data((0..<32).map { UInt8(255 - $0) }).write(to: other)
    for (name, file) in [("one", key), ("two", key), ("three", other)] {
      #expect(try Self.runDemo(in: folder, key: file, name: name).status == 2)
    }
    func names(_ run: String) throws -> [String] {
      let snapshot = try Snapshot.decoded(
        fromJSON: TestSupport.read(folder.appendingPathComponent("shared-\(run)/snapshot.json")))
      return snapshot.appliances.map(\.name)
    }
    #expect(try names("one") == names("two"))
    #expect(try names("one") != names("three"))
    #expect(try names("one").allSatisfy { $0.hasPrefix("n-") })
  }

  @Test("a missing or short key stops the run before anything is published")
  func keyChecked() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let short = folder.appendingPathComponent("short.key")
    try Data("secret".utf8).write(to: short)
    let result = try Self.runDemo(in: folder, key: short, name: "short")
    #expect(result.status == 3)
    #expect(result.stdout.contains("--share-key \(short.path): holds 6 bytes"), "\(result.stdout)")
    #expect(
      !FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("www-short/index.html").path))
    let unpaired = try TestSupport.run([
      "demo", "--output", folder.path, "--share", folder.appendingPathComponent("s").path,
    ])
    #expect(unpaired.status == 3)
    #expect(unpaired.stderr.contains("--share needs --share-key FILE"))
  }
}
