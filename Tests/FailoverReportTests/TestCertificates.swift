import Foundation

/// A throw-away PKI made with Debian's `openssl` in a test's own folder: a CA the Kea agents
/// trust, another CA nobody trusts, server certificates good, expired and for the wrong name,
/// and client certificates from each CA.
struct TestCertificates {
  struct Missing: Error, CustomStringConvertible {
    var description: String
  }

  let folder: URL

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// The CA that signed the agents' and the monitor's certificates.
  var ca: String { path("ca.pem") }
  /// A CA that signed nothing the agents trust.
  var otherCA: String { path("other-ca.pem") }
  /// For 127.0.0.1 and localhost, signed by `ca`.
  var server: (cert: String, key: String) { (path("server.pem"), path("server.key")) }
  /// The server's key, in a certificate whose validity ended in 2025.
  var expired: String { path("expired.pem") }
  /// The server's key, in a certificate for kea.example.net and 192.0.2.7 only.
  var wrongName: String { path("wrong-name.pem") }
  /// The monitor's client certificate, signed by `ca`.
  var monitor: (cert: String, key: String) { (path("monitor.pem"), path("monitor.key")) }
  /// A client certificate signed by `otherCA`.
  var rogue: (cert: String, key: String) { (path("rogue.pem"), path("rogue.key")) }

  /// Makes every file under `folder`, or throws `Missing` when openssl is not installed.
  static func make(in folder: URL) throws -> TestCertificates {
    guard let openssl = TestSupport.program("openssl") else {
      throw Missing(description: "openssl is not installed (apt-get install openssl)")
    }
    let certificates = TestCertificates(folder: folder)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let run = { (arguments: [String]) throws in
      let result = try TestSupport.execute(openssl, arguments)
      guard result.status == 0 else {
        throw Missing(description: "openssl \(arguments.first ?? "") failed: \(result.stderr)")
      }
    }
    for name in ["ca", "other-ca"] {
      try run([
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
        "/CN=failover-report test \(name)", "-keyout", certificates.path("\(name).key"), "-out",
        certificates.path("\(name).pem"),
      ])
    }
    for name in ["server", "monitor", "rogue"] {
      try run([
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)", "-keyout",
        certificates.path("\(name).key"), "-out", certificates.path("\(name).csr"),
      ])
    }
    let extensions = { (name: String, text: String) throws -> String in
      let path = certificates.path("\(name).ext")
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }
    let sign = { (csr: String, caName: String, out: String, ext: String?) throws in
      var arguments = [
        "x509", "-req", "-in", certificates.path("\(csr).csr"), "-CA",
        certificates.path("\(caName).pem"), "-CAkey", certificates.path("\(caName).key"),
        "-set_serial", String(Int.random(in: 1000...999_999)), "-days", "30", "-out",
        certificates.path(out),
      ]
      if let ext { arguments += ["-extfile", ext] }
      try run(arguments)
    }
    let serverNames = try extensions("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    try sign("server", "ca", "server.pem", serverNames)
    let otherNames = try extensions("wrong", "subjectAltName=DNS:kea.example.net,IP:192.0.2.7\n")
    try sign("server", "ca", "wrong-name.pem", otherNames)
    try sign("monitor", "ca", "monitor.pem", nil)
    try sign("rogue", "other-ca", "rogue.pem", nil)
    // `x509 -req` cannot date a certificate in the past; `openssl ca` can.
    let database = folder.appendingPathComponent("ca-db")
    try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
    try Data().write(to: database.appendingPathComponent("index.txt"))
    try Data("1000\n".utf8).write(to: database.appendingPathComponent("serial"))
    let caConfig = try extensions(
      "ca-config",
      """
      [ca]
      default_ca = lab
      [lab]
      database = \(database.path)/index.txt
      new_certs_dir = \(database.path)
      serial = \(database.path)/serial
      default_md = sha256
      policy = any
      unique_subject = no
      [any]
      commonName = supplied
      [server]
      subjectAltName = IP:127.0.0.1,DNS:localhost

      """)
    try run([
      "ca", "-batch", "-notext", "-config", caConfig, "-extensions", "server", "-cert",
      certificates.ca, "-keyfile", certificates.path("ca.key"), "-in",
      certificates.path("server.csr"), "-startdate", "20250101000000Z", "-enddate",
      "20250201000000Z", "-out", certificates.expired,
    ])
    return certificates
  }
}
