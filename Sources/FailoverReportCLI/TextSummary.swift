import Assessment

/// Plain-text lines, worst first, one per relationship that is not ok.
enum TextSummary {
  static func lines(_ assessment: Assessment) -> [String] {
    assessment.relationships.filter { $0.severity != .ok }.map { relationship in
      // On a merged page two regions may have a pair of the same name: the region tells them
      // apart, as the email's HTML does ("region · site").
      let place = [relationship.region, relationship.site].compactMap { $0 }.joined(
        separator: " · ")
      return
        "\(relationship.severity.rawValue.uppercased()): \(relationship.name)\(place.isEmpty ? "" : " [\(place)]"): \(relationship.summary)"
    }
  }
}
