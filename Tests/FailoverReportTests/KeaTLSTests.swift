import AsyncHTTPClient
import Foundation
import Snapshot
import Testing

@testable import Collectors

extension ExternalProcesses {
  /// Kea 2.2's Control Agents with TLS and `cert-required: true`, as Kea's security guidance
  /// sets them up, read by the built binary over HTTPS with a client certificate. The HA peers
  /// talk to each other over the same TLS agents. The certificates are made here with openssl.
  @Suite("Real Kea 2.2 over TLS with client certificates", .serialized)
  struct KeaTLSTests {
    static let servers = ["server1", "server2"]

    /// Starts a TLS lab (certificates in `folder/tls`), or records why it cannot (a failure
    /// under CI) and returns nil.
    static func lab(in folder: URL) throws -> (KeaLab, TestCertificates)? {
      do {
        let tls = try TestCertificates.make(in: folder.appendingPathComponent("tls"))
        let lab = try KeaLab(
          template: "lb.dhcp4.json", servers: servers,
          daemonEdit: { _, dhcp4 in Self.peersOverTLS(&dhcp4, tls) },
          agentEdit: { _, agent in
            Self.requireClientCertificates(&agent, tls, cert: tls.server.cert)
          }
        )
        try lab.startAll()
        return (lab, tls)
      } catch let missing as KeaLab.Missing {
        TestSupport.skip(missing.description)
      } catch let missing as TestCertificates.Missing {
        TestSupport.skip(missing.description)
      }
      return nil
    }

    /// The agent's TLS settings from Kea's guidance: its own certificate, and a client
    /// certificate required of every caller, checked against `trust-anchor`.
    static func requireClientCertificates(
      _ agent: inout [String: Any], _ tls: TestCertificates, cert: String
    ) {
      agent["trust-anchor"] = tls.ca
      agent["cert-file"] = cert
      agent["key-file"] = tls.server.key
      agent["cert-required"] = true
    }

    /// The HA hook's peers reach each other over the same TLS agents, with the server's
    /// certificate as their client certificate.
    static func peersOverTLS(_ dhcp4: inout [String: Any], _ tls: TestCertificates) {
      guard var libraries = dhcp4["hooks-libraries"] as? [[String: Any]] else { return }
      for index in libraries.indices {
        guard var parameters = libraries[index]["parameters"] as? [String: Any],
          var relationships = parameters["high-availability"] as? [[String: Any]]
        else { continue }
        for position in relationships.indices {
          relationships[position]["trust-anchor"] = tls.ca
          relationships[position]["cert-file"] = tls.server.cert
          relationships[position]["key-file"] = tls.server.key
          let peers = (relationships[position]["peers"] as? [[String: Any]] ?? []).map {
            peer -> [String: Any] in
            var peer = peer
            peer["url"] = (peer["url"] as? String)?.replacingOccurrences(
              of: "http://", with: "https://")
            return peer
          }
          relationships[position]["peers"] = peers
        }
        parameters["high-availability"] = relationships
        libraries[index]["parameters"] = parameters
      }
      dhcp4["hooks-libraries"] = libraries
    }

    /// The README's TLS example, exactly as written there, with the lab's ports.
    static func readmeInventory(_ lab: KeaLab) throws -> String {
      let readme = try String(
        contentsOf: TestSupport.root.appendingPathComponent("README.md"), encoding: .utf8)
      let marker =
        "<!-- tls-example: read verbatim by Tests/FailoverReportTests/KeaTLSTests.swift -->"
      let after = try #require(readme.range(of: marker)).upperBound
      let start = try #require(readme.range(of: "```yaml\n", range: after..<readme.endIndex))
      let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
      return String(readme[start.upperBound..<end.lowerBound])
        .replacingOccurrences(of: "127.0.0.1:8443", with: "127.0.0.1:\(lab.ports["server1"] ?? 0)")
        .replacingOccurrences(of: "127.0.0.1:8444", with: "127.0.0.1:\(lab.ports["server2"] ?? 0)")
    }

    struct Run {
      var result: TestSupport.Result
      var page: String
      var snapshot: Snapshot
      var snapshotText: String
      var email: String
    }

    /// Runs the job on `inventory`, written to `folder/inventory.yaml`, so that its relative
    /// paths point into `folder/tls`.
    static func run(_ inventory: String, in folder: URL) throws -> Run {
      let file = folder.appendingPathComponent("inventory.yaml")
      try inventory.write(to: file, atomically: true, encoding: .utf8)
      let output = folder.appendingPathComponent("www")
      let email = folder.appendingPathComponent("report.eml")
      let result = try TestSupport.run([
        "run", "--inventory", file.path, "--output", output.path, "--email", email.path,
        "--timeout", "3", "--deadline", "10", "-v",
      ])
      let snapshotData = try Data(contentsOf: output.appendingPathComponent("snapshot.json"))
      return Run(
        result: result,
        page: try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8),
        snapshot: try Snapshot.makeDecoder().decode(Snapshot.self, from: snapshotData),
        snapshotText: String(decoding: snapshotData, as: UTF8.self),
        email: try String(contentsOf: email, encoding: .utf8))
    }

    /// Lines of the private keys' PEM bodies: none may reach any output.
    static func keyMaterial(_ tls: TestCertificates) throws -> [String] {
      try [tls.monitor.key, tls.server.key, tls.rogue.key].flatMap { path in
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
          .filter { !$0.hasPrefix("-----") }.prefix(4).map(String.init)
      } + ["PRIVATE KEY"]
    }

    static func expectNoKeyMaterial(_ run: Run, _ tls: TestCertificates) throws {
      for line in try keyMaterial(tls) {
        #expect(!run.page.contains(line))
        #expect(!run.snapshotText.contains(line))
        #expect(!run.email.contains(line))
        #expect(!run.result.stderr.contains(line))
        #expect(!run.result.stdout.contains(line))
      }
    }

    @Test("a TLS pair with cert-required, read with the README's inventory: exit 0, both states")
    func healthyPair() async throws {
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      guard let (lab, tls) = try Self.lab(in: folder) else { return }
      defer { lab.stopAll() }
      let inventory = try Self.readmeInventory(lab)
      #expect(inventory.contains("cert-file: tls/monitor.pem"))
      // check says how each server will be reached, and finds a TLS file that cannot be used.
      let file = folder.appendingPathComponent("inventory.yaml")
      try inventory.write(to: file, atomically: true, encoding: .utf8)
      let check = try TestSupport.run(["check", "--inventory", file.path])
      let tlsFolder = folder.appendingPathComponent("tls").standardizedFileURL.path
      #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
      #expect(
        check.stdout.contains(
          "; TLS trusting the CA in \(tlsFolder)/ca.pem, client certificate \(tlsFolder)/monitor.pem with key \(tlsFolder)/monitor.key"
        ), "\(check.stdout)")
      try inventory.replacingOccurrences(of: "tls/monitor.key", with: "tls/monitor.pem")
        .write(to: file, atomically: true, encoding: .utf8)
      let broken = try TestSupport.run(["check", "--inventory", file.path])
      #expect(broken.status == 3)
      #expect(
        broken.stdout.contains(
          "(key-file \(tlsFolder)/monitor.pem cannot be used: it does not hold an unencrypted PEM private key)"
        ), "\(broken.stdout)")
      // The pair needs a few heartbeats to reach load-balancing; every attempt is a whole run.
      let deadline = Date().addingTimeInterval(45)
      var run = try Self.run(inventory, in: folder)
      while run.result.status != 0, Date() < deadline {
        try await Task.sleep(for: .milliseconds(300))
        run = try Self.run(inventory, in: folder)
      }
      #expect(run.result.status == 0, "\(run.result.stdout)\(run.result.stderr)")
      #expect(run.result.stdout.hasPrefix("FAILOVER OK - the one relationship healthy"))
      for name in ["kea-tls-1", "kea-tls-2"] {
        let observation = try #require(run.snapshot.appliances.first { $0.name == name })
        #expect(observation.failure == nil)
        #expect(observation.endpoint.hasPrefix("https://127.0.0.1:"))
        #expect(observation.kea?.relationships.first?.local?.state == "load-balancing")
        #expect(observation.unanswered == nil)
        // Each server heads its column of the pair's table.
        #expect(run.page.contains("\(name)</span></th>"), "\(name) has no column")
      }
      #expect(run.page.contains(">load-balancing</a>"), "the state is not shown")
      try Self.expectNoKeyMaterial(run, tls)
    }

    /// One way TLS goes wrong: the second server's inventory entry, and the words its
    /// reason must hold.
    struct Failure: CustomStringConvertible {
      var description: String
      var entry: String
      var reason: String
    }

    @Test("every TLS failure has its own one-line reason on the page and exits 1 or 2")
    func everyFailureNamed() async throws {
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      guard let (lab, tls) = try Self.lab(in: folder) else { return }
      defer { lab.stopAll() }
      // More agents in front of server2's daemon: one with an expired certificate, one whose
      // certificate is for other names, one without TLS.
      let expired = try lab.startExtraAgent("expired", for: "server2") { _, agent in
        Self.requireClientCertificates(&agent, tls, cert: tls.expired)
      }
      let wrongName = try lab.startExtraAgent("wrong-name", for: "server2") { _, agent in
        Self.requireClientCertificates(&agent, tls, cert: tls.wrongName)
      }
      let plain = try lab.startExtraAgent("plain", for: "server2") { _, _ in }
      for port in [lab.ports["server1"] ?? 0, lab.ports["server2"] ?? 0, expired, wrongName, plain]
      {
        try await KeaLab.waitUntilListening(port: port)
      }
      let tlsPort = lab.ports["server2"] ?? 0
      let client = "ca-file: tls/ca.pem, cert-file: tls/monitor.pem, key-file: tls/monitor.key"
      let failures = [
        Failure(
          description: "wrong CA",
          entry:
            "url: \"https://127.0.0.1:\(tlsPort)/\", ca-file: tls/other-ca.pem, cert-file: tls/monitor.pem, key-file: tls/monitor.key",
          reason:
            "is not trusted: it is not signed by a CA in ca-file \(tls.otherCA); point ca-file at the CA that signed the agent&#39;s certificate"
        ),
        Failure(
          description: "expired server certificate",
          entry: "url: \"https://127.0.0.1:\(expired)/\", \(client)",
          reason:
            "the certificate of 127.0.0.1:\(expired) expired on 2025-02-01T00:00:00Z: renew the agent&#39;s cert-file"
        ),
        Failure(
          description: "host name mismatch",
          entry: "url: \"https://127.0.0.1:\(wrongName)/\", \(client)",
          reason:
            "the certificate of 127.0.0.1:\(wrongName) is for kea.example.net, 192.0.2.7, not 127.0.0.1"
        ),
        Failure(
          description: "client certificate missing",
          entry: "url: \"https://127.0.0.1:\(tlsPort)/\", ca-file: tls/ca.pem",
          reason:
            "127.0.0.1:\(tlsPort) requires a client certificate and the inventory gives none: set cert-file and key-file"
        ),
        Failure(
          description: "client certificate refused",
          entry:
            "url: \"https://127.0.0.1:\(tlsPort)/\", ca-file: tls/ca.pem, cert-file: tls/rogue.pem, key-file: tls/rogue.key",
          reason:
            "127.0.0.1:\(tlsPort) refused the client certificate (it is not signed by a CA the server trusts)"
        ),
        Failure(
          description: "plain HTTP to a TLS port",
          entry: "url: \"http://127.0.0.1:\(tlsPort)/\"",
          reason: "127.0.0.1:\(tlsPort) speaks TLS, not plain HTTP: use an https:// URL"
        ),
        Failure(
          description: "TLS to a plain HTTP port",
          entry: "url: \"https://127.0.0.1:\(plain)/\", \(client)",
          reason: "127.0.0.1:\(plain) answered in plain HTTP, not TLS: use an http:// URL"
        ),
      ]
      var reasons: Set<String> = []
      for failure in failures {
        let inventory = """
          appliances:
            - {name: kea-tls-1, kind: kea, service: dhcp4, url: "\(lab.url("server1", scheme: "https"))", \(client)}
            - {name: kea-tls-2, kind: kea, service: dhcp4, \(failure.entry)}

          """
        let run = try Self.run(inventory, in: folder)
        #expect(
          [1, 2].contains(run.result.status),
          "\(failure): \(run.result.stdout)\(run.result.stderr)")
        let broken = try #require(run.snapshot.appliances.first { $0.name == "kea-tls-2" })
        #expect(broken.failure?.kind == .tls, "\(failure): \(String(describing: broken.failure))")
        let shown = run.page.contains(failure.reason)
        #expect(shown, "\(failure): \(broken.failure?.message ?? "")")
        #expect(broken.failure?.message.contains("\n") == false)
        reasons.insert(broken.failure?.message ?? "")
        let healthy = try #require(run.snapshot.appliances.first { $0.name == "kea-tls-1" })
        #expect(healthy.failure == nil, "\(failure): the good server suffered")
        try Self.expectNoKeyMaterial(run, tls)
      }
      #expect(reasons.count == failures.count, "\(reasons)")

      // Over TLS 1.3 the agent judges the client's certificate after the client has finished
      // its handshake; the refusal may then reach the client only as a closed or reset
      // connection. That path must name the problem too.
      let url = try #require(URL(string: lab.url("server2", scheme: "https")))
      for (certificate, reason) in [
        (nil, "requires a client certificate and the inventory gives none"),
        (tls.rogue, "refused the client certificate (it is not signed by a CA the server trusts)"),
      ] {
        var entry = ApplianceEntry(name: "kea-tls-2", kind: .kea)
        entry.caFile = tls.ca
        entry.certFile = certificate?.cert
        entry.keyFile = certificate?.key
        let diagnosis = TLSDiagnosis(
          url: url, tls: try entry.tlsConfiguration(for: url), now: Date(),
          probeTimeout: .seconds(3))
        let failure = await diagnosis.reason(for: HTTPClientError.remoteConnectionClosed)
        #expect(failure?.message.contains(reason) == true, "\(String(describing: failure))")
      }
    }
  }
}
