import Assessment

/// Plain-text lines, worst first, one per relationship that is not ok, then one per appliance
/// tied to no relationship.
public enum TextSummary {
  public static func lines(_ assessment: Assessment) -> [String] {
    // On a merged page two regions may have a pair of the same name: the region tells them
    // apart, as the email's HTML does ("region · site").
    func placed(_ name: String, _ region: String?, _ site: String?) -> String {
      let place = [region, site].compactMap { $0 }.joined(separator: " · ")
      return name + (place.isEmpty ? "" : " [\(place)]")
    }
    return assessment.relationships.filter { $0.severity != .ok }.map { relationship in
      // An acknowledged or planned relationship keeps its severity and says why it is not
      // counted; an expired or exceeded acknowledgement says so too.
      let handling = relationship.handling.map { " [\($0.text)]" } ?? ""
      return
        "\(relationship.severity.rawValue.uppercased()): \(placed(relationship.name, relationship.region, relationship.site)): \(relationship.summary)\(handling)"
    }
      + assessment.unmatchedAppliances.map { appliance in
        "UNKNOWN: \(placed(appliance.name, appliance.region, appliance.site)) is tied to no relationship: \(appliance.reason)"
      } + assessment.unusedAcknowledgements.map { "WARNING: \($0)" }
  }
}
