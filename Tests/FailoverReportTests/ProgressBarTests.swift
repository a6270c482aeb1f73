import Foundation
import Testing

@testable import Job

@Suite("Progress bar")
struct ProgressBarTests {
  @Test("the bar fills in proportion and counts appliances")
  func line() {
    #expect(ProgressBar.line(done: 0, total: 4, width: 8) == "\r[........] 0/4 appliances")
    #expect(ProgressBar.line(done: 3, total: 4, width: 8) == "\r[######..] 3/4 appliances")
    #expect(ProgressBar.line(done: 0, total: 0, width: 4) == "\r[####] 0/0 appliances")
  }

  @Test("stderr that is not a terminal (cron, a pipe) never gets the bar")
  func notOnPipes() throws {
    let folder = try TestSupport.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.run(["demo", "--output", folder.path, "-v"])
    #expect(result.status == 2)
    #expect(!result.stderr.contains("appliances\r") && !result.stderr.contains("\r["))
    #expect(result.stderr.contains("collecting"))
  }
}
