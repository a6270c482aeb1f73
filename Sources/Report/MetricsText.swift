import Assessment
import Foundation
import Snapshot

/// A Prometheus node_exporter textfile: what monitoring already knows how to read.
public enum MetricsText {
  public static func make(_ assessment: Assessment, snapshot: Snapshot) -> String {
    var lines: [String] = []
    func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
      lines.append("# HELP failover_report_\(name) \(help)")
      lines.append("# TYPE failover_report_\(name) gauge")
      for sample in samples {
        let labels = sample.labels.isEmpty ? "" : "{\(sample.labels)}"
        lines.append("failover_report_\(name)\(labels) \(sample.value)")
      }
    }
    // On a merged page two regions may both have "server1 & server2": the region label keeps
    // their series apart (node_exporter refuses a textfile that repeats one).
    func named(_ relationship: RelationshipAssessment) -> String {
      var name = "relationship=\"\(label(relationship.name))\""
      if let site = relationship.site { name += ",site=\"\(label(site))\"" }
      return relationship.region.map { "region=\"\(label($0))\"," + name } ?? name
    }
    gauge(
      "relationship_severity",
      "Severity of each relationship: 0 ok, 1 unknown, 2 warning, 3 critical.",
      assessment.relationships.map { relationship in
        (
          "\(named(relationship)),kind=\"\(relationship.kind.rawValue)\"",
          String(relationship.severity.rank)
        )
      })
    gauge(
      "relationship_excused",
      "1 when the relationship is left out of the verdict: acknowledged, or in planned maintenance.",
      assessment.relationships.map { ("\(named($0))", $0.excused ? "1" : "0") })
    gauge(
      "server_state", "1 for the state each server is in.",
      assessment.relationships.flatMap { relationship in
        relationship.servers.flatMap { server in
          KeaHAState.all.map { state in
            (
              "\(named(relationship)),server=\"\(label(server.name))\",state=\"\(state)\"",
              server.state == state ? "1" : "0"
            )
          }
        }
      })
    if !assessment.regions.isEmpty {
      // Like the page, these never depend on the clock: the monitoring system compares them
      // with its own, so a region whose run stopped shows as an old timestamp.
      gauge(
        "region_current", "1 when the region's snapshot is fresh, 0 when stale or unusable.",
        assessment.regions.map { ("region=\"\(label($0.name))\"", $0.status == .fresh ? "1" : "0") }
      )
      gauge(
        "region_snapshot_timestamp_seconds",
        "When the data shown for the region was collected (absent when there is none).",
        assessment.regions.compactMap { region in
          region.collectedAt.map {
            ("region=\"\(label(region.name))\"", "\(Int($0.timeIntervalSince1970))")
          }
        })
      gauge(
        "region_maximum_age_seconds", "How old the region's snapshot may be before it is stale.",
        assessment.regions.map { ("region=\"\(label($0.name))\"", "\($0.maximumAgeSeconds)") })
    }
    gauge(
      "appliance_up", "1 when the appliance gave a usable answer.",
      snapshot.appliances.map { ("appliance=\"\(label($0.name))\"", $0.failure == nil ? "1" : "0") }
    )
    gauge(
      "appliance_unmatched",
      "1 for a Kea appliance that nothing ties to an HA server of any relationship (the page says why).",
      assessment.unmatchedAppliances.map { ("appliance=\"\(label($0.name))\"", "1") })
    gauge(
      "unanswered_questions",
      "Follow-up questions (config-get, ha-heartbeat) the appliance answered status-get but not.",
      snapshot.appliances.map {
        ("appliance=\"\(label($0.name))\"", "\($0.unanswered?.count ?? 0)")
      }
    )
    gauge(
      "collection_duration_seconds", "How long collection took.",
      [("", "\(Double(snapshot.durationMilliseconds) / 1000)")])
    gauge(
      "last_success_timestamp_seconds", "When the last page was published.",
      [("", "\(Int(snapshot.collectedAt.timeIntervalSince1970))")])
    return lines.joined(separator: "\n") + "\n"
  }

  static func label(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n")
  }
}
