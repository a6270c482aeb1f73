import Assessment
import Foundation
import Snapshot

/// A Prometheus node_exporter textfile: what monitoring already knows how to read.
enum MetricsText {
  static func make(_ assessment: Assessment, snapshot: Snapshot) -> String {
    var lines: [String] = []
    lines.append(
      "# HELP failover_report_relationship_severity Severity of each relationship: 0 ok, 1 unknown, 2 warning, 3 critical."
    )
    lines.append("# TYPE failover_report_relationship_severity gauge")
    for relationship in assessment.relationships {
      lines.append(
        "failover_report_relationship_severity{relationship=\"\(label(relationship.name))\",kind=\"\(relationship.kind.rawValue)\"} \(relationship.severity.rank)"
      )
    }
    lines.append("# HELP failover_report_server_state 1 for the state each server is in.")
    lines.append("# TYPE failover_report_server_state gauge")
    for relationship in assessment.relationships {
      for server in relationship.servers {
        for state in KeaHAState.all {
          lines.append(
            "failover_report_server_state{relationship=\"\(label(relationship.name))\",server=\"\(label(server.name))\",state=\"\(state)\"} \(server.state == state ? 1 : 0)"
          )
        }
      }
    }
    lines.append("# HELP failover_report_appliance_up 1 when the appliance gave a usable answer.")
    lines.append("# TYPE failover_report_appliance_up gauge")
    for appliance in snapshot.appliances {
      lines.append(
        "failover_report_appliance_up{appliance=\"\(label(appliance.name))\"} \(appliance.failure == nil ? 1 : 0)"
      )
    }
    lines.append("# HELP failover_report_collection_duration_seconds How long collection took.")
    lines.append("# TYPE failover_report_collection_duration_seconds gauge")
    lines.append(
      "failover_report_collection_duration_seconds \(Double(snapshot.durationMilliseconds) / 1000)")
    lines.append(
      "# HELP failover_report_last_success_timestamp_seconds When the last page was published.")
    lines.append("# TYPE failover_report_last_success_timestamp_seconds gauge")
    lines.append(
      "failover_report_last_success_timestamp_seconds \(Int(snapshot.collectedAt.timeIntervalSince1970))"
    )
    return lines.joined(separator: "\n") + "\n"
  }

  static func label(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n")
  }
}
