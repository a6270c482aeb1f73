import Assessment
import Foundation
import Publishing
import Report
import Snapshot
import Validation

extension ReportJob {
  /// The copy to share: the snapshot with every name and address a pseudonym, assessed
  /// without history (the archive holds the real names), rendered and put through the same
  /// gate as the page, then published in `folder` as the page is.
  func publishSharedCopy(
    of snapshot: Snapshot, to folder: String, pseudonymizer: Pseudonymizer,
    renderer: PageRenderer, validator: PageValidator
  ) throws {
    let redacted = try pseudonymizer.redact(snapshot)
    let assessment = Assessor.assess(redacted)
    let page = try renderer.render(assessment, snapshot: redacted)
    let problems = validator.validate(page, name: "shared index.html")
    guard problems.isEmpty else {
      throw PublishError.incomplete(
        "the shared copy failed validation (\(problems.first?.message ?? "")); it was not published"
      )
    }
    try Publisher(folder: folder).publish(page: page, snapshot: redacted.encodedJSON())
    logger.info("published the shared copy", metadata: ["folder": "\(folder)"])
  }
}
