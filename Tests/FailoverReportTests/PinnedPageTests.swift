import Foundation
import Testing

/// The page rendered from a fixed snapshot is pinned byte for byte: any change to what the page
/// says or how it is built shows up here as a diff to review. After an intended change, write
/// the new bytes with `PIN_PAGE=1 swift test --filter PinnedPage` and commit them.
@Suite("Pinned page bytes")
struct PinnedPageTests {
  static let folder = TestSupport.fixtures.appendingPathComponent("pinned-page")

  private func render() throws -> [UInt8] {
    let output = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try TestSupport.run([
      "render", "--snapshot", Self.folder.appendingPathComponent("snapshot.json").path,
      "--output", output.path,
    ])
    #expect([0, 1, 2].contains(result.status), "\(result.stdout)\(result.stderr)")
    return try TestSupport.read(output.appendingPathComponent("index.html"))
  }

  @Test("the fixed snapshot renders to the pinned bytes, twice in a row")
  func pinned() throws {
    let first = try render()
    let second = try render()
    #expect(first == second, "two renders of one snapshot differ")
    let pinnedURL = Self.folder.appendingPathComponent("index.html")
    if ProcessInfo.processInfo.environment["PIN_PAGE"] == "1" {
      try Data(first).write(to: pinnedURL)
    }
    let pinned = try TestSupport.read(pinnedURL)
    guard first != pinned else { return }
    let firstLines = String(decoding: first, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let pinnedLines = String(decoding: pinned, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let line =
      zip(firstLines, pinnedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(firstLines.count, pinnedLines.count)
    Issue.record(
      """
      the page differs from the pinned one from line \(line + 1):
        pinned:   \(line < pinnedLines.count ? String(pinnedLines[line].prefix(300)) : "(end)")
        rendered: \(line < firstLines.count ? String(firstLines[line].prefix(300)) : "(end)")
      """)
  }
}
