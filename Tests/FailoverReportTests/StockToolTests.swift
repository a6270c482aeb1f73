import Assessment
import Foundation
import Report
import Snapshot
import Templating
import Testing
import Validation

extension ExternalProcesses {
  /// A large fleet's page is read by stock tools with their default limits: no text node
  /// passes 1,000,000 bytes, so `xmllint` needs no `--huge`.
  @Suite("Stock tools on a large page")
  struct StockToolTests {
    @Test(
      "a page of 10,002 servers: every text node under 1 MB; xmllint --noout --nonet accepts it")
    func xmllintWithoutHuge() throws {
      var snapshot = try SnapshotJSONTests.snapshot(appliances: 10_002)
      // Evidence as large as real answers (a status-get body is about 1.2 kB), so that the
      // snapshot alone is past libxml2's 10 MB limit for one text node.
      let body = String(repeating: "{\"result\": 0, \"arguments\": {\"pid\": 4242}} ", count: 30)
      for index in snapshot.appliances.indices {
        snapshot.appliances[index].exchanges = [
          RawExchange(command: "status-get", httpStatus: 200, body: body, truncated: false)
        ]
      }
      let json = snapshot.encodedJSON()
      #expect(json.count > 12_000_000)
      let page = try PageRenderer(assets: .embedded).render(
        Assessor.assess(snapshot), snapshotJSON: json)
      let text = String(decoding: page, as: UTF8.self)
      // The parts, joined in order, are the snapshot as the page escapes it.
      let parts = text.matches(
        of: /<script type="application\/json" id="snapshot(?:-(\d+))?">([^<]*)<\/script>/)
      #expect(parts.count >= 13)
      #expect(parts.map { $0.1.map(String.init) } == [nil] + (1..<parts.count).map { "\($0 + 1)" })
      #expect(parts.allSatisfy { $0.2.utf8.count <= PageRenderer.maximumTextNodeBytes })
      #expect(
        parts.map { String($0.2) }.joined()
          == jsonEscapedForScript(String(decoding: json, as: UTF8.self)))
      let explained = text.contains("It is split over \(parts.count) script elements")
      #expect(explained, "the footer does not say the snapshot is split")
      #expect(PageValidator(schema: Assets.embedded.templates["schema.rng"]).validate(page).isEmpty)

      guard let xmllint = TestSupport.program("xmllint") else {
        TestSupport.skip("xmllint is not installed (apt-get install libxml2-utils)")
        return
      }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let file = folder.appendingPathComponent("index.html")
      try Data(page).write(to: file)
      let result = try TestSupport.execute(xmllint, ["--noout", "--nonet", file.path])
      #expect(result.status == 0, "\(result.stderr.prefix(500))")
      #expect(result.stderr.isEmpty, "\(result.stderr.prefix(500))")
    }
  }
}
