import Foundation

/// Writes the inventory the demo runs from: one entry per simulated server, secrets in a file.
public enum DemoInventory {
  public static func write(
    _ simulator: Simulator, files: [FailoverFiles.Appliance], into folder: URL
  ) throws -> String {
    let endpoints = simulator.endpoints
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var yaml =
      "# Written by failover-report demo for its simulated appliances.\ndefaults: {timeout: 3, concurrency: 16}\nappliances:\n"
    for endpoint in endpoints {
      yaml +=
        "  - name: \(endpoint.name)\n    kind: kea\n    url: \(endpoint.url)\n"
        + (endpoint.service.map { "    service: \($0)\n" } ?? "") + "    site: \(endpoint.site)\n"
      if let credentials = endpoint.credentials {
        let secret = folder.appendingPathComponent("\(endpoint.name).password")
        try writeSecret(credentials.password, to: secret)
        yaml += "    username: \(credentials.username)\n    password-file: \(secret.path)\n"
      }
    }
    for file in files {
      yaml +=
        "  - name: \(file.name)\n    kind: \(file.kind)\n    \(file.key): \(file.path)\n    site: \(file.site)\n"
    }
    if let edgeConnect = simulator.edgeConnect {
      let secret = folder.appendingPathComponent("edgeconnect.key")
      try writeSecret(edgeConnect.apiKey, to: secret)
      for member in edgeConnect.members {
        yaml +=
          "  - name: \(member.appliance)\n    kind: edgeconnect\n    url: \(simulator.edgeConnectStateURL)\n    deployment: \(simulator.edgeConnectDeploymentURL(member.appliance))\n    api-key-file: \(secret.path)\n    site: \(edgeConnect.site)\n"
      }
    }
    let path = folder.appendingPathComponent("inventory.yaml").path
    try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Splits the inventory's appliances in two by site (the first half of the sites in the
  /// file's order: north; the rest: south), each with the same defaults, as two regional
  /// runs would have them.
  public static func split(_ path: String, into folder: URL) throws
    -> [(name: String, path: String)]
  {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let head = text.components(separatedBy: "appliances:\n")
    guard head.count == 2 else { throw CocoaError(.fileReadCorruptFile) }
    let entries = head[1].components(separatedBy: "  - name: ").dropFirst().map {
      "  - name: " + $0
    }
    func site(_ entry: String) -> String {
      entry.split(separator: "\n").first { $0.hasPrefix("    site: ") }.map(String.init) ?? ""
    }
    var sites: [String] = []
    for entry in entries where !sites.contains(site(entry)) { sites.append(site(entry)) }
    let north = Set(sites.prefix(sites.count / 2))
    return try [("north", true), ("south", false)].map { name, isNorth in
      let chosen = entries.filter { north.contains(site($0)) == isNorth }
      let regional = folder.appendingPathComponent("inventory-\(name).yaml").path
      try Data((head[0] + "appliances:\n" + chosen.joined()).utf8).write(
        to: URL(fileURLWithPath: regional))
      return (name, regional)
    }
  }

  /// A secret file only its owner can read, as the inventory wants them.
  private static func writeSecret(_ secret: String, to url: URL) throws {
    guard
      FileManager.default.createFile(
        atPath: url.path, contents: Data((secret + "\n").utf8),
        attributes: [.posixPermissions: 0o600])
    else { throw CocoaError(.fileWriteUnknown) }
  }
}
