import Assessment

/// Plain-text lines, worst first, one per relationship that is not ok.
enum TextSummary {
  static func lines(_ assessment: Assessment) -> [String] {
    assessment.relationships.filter { $0.severity != .ok }.map { relationship in
      "\(relationship.severity.rawValue.uppercased()): \(relationship.name)\(relationship.site.map { " [\($0)]" } ?? ""): \(relationship.summary)"
    }
  }
}
