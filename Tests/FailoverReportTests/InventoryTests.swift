import Collectors
import Foundation
import Snapshot
import Testing

/// Inventory mistakes point at their line, column and key path, and say what was expected.
@Suite("Inventory")
struct InventoryTests {
  static func error(_ yaml: String) -> InventoryError? {
    do {
      _ = try Inventory.parse(yaml, file: "inventory.yaml")
      return nil
    } catch {
      return error
    }
  }

  @Test("a good inventory reads every key")
  func readsEverything() throws {
    let inventory = try Inventory.parse(
      """
      defaults: {timeout: 2.5, concurrency: 8}
      appliances:
        - name: kea-a
          kind: kea
          url: https://kea.example.net:8000/
          service: dhcp4
          username: monitor
          password-env: KEA_PASSWORD
          ca-file: /etc/ssl/ca.pem
          site: DC1
          timeout: 1
        - name: dhcpd-b
          kind: dhcpd
          leases: /var/lib/dhcp/dhcpd.leases
        - name: edge
          kind: edgeconnect
          export: /srv/edge.csv
      """, file: "inventory.yaml")
    #expect(inventory.defaults.timeout == 2.5)
    #expect(inventory.judging == JudgingThresholds(), "no judging block: the defaults")
    #expect(inventory.defaults.concurrency == 8)
    #expect(inventory.appliances.map(\.name) == ["kea-a", "dhcpd-b", "edge"])
    let kea = inventory.appliances[0]
    #expect(kea.url?.absoluteString == "https://kea.example.net:8000/")
    #expect(kea.password == .environment("KEA_PASSWORD"))
    #expect(kea.timeout == 1)
    #expect(kea.site == "DC1")
    #expect(inventory.appliances[1].leases == "/var/lib/dhcp/dhcpd.leases")
  }

  @Test("relative file paths are taken from the inventory's folder, not the working directory")
  func relativePaths() throws {
    let inventory = try Inventory.parse(
      """
      appliances:
        - {name: k, kind: kea, url: "https://h/", ca-file: tls/ca.pem, cert-file: ../c.pem, key-file: /abs/k.pem, password-file: k.pass}
        - {name: d, kind: dhcpd, leases: leases/dhcpd.leases}
        - {name: e, kind: edgeconnect, export: e.csv, api-key-file: ./e.key}
      """, file: "/etc/failover-report/inventory.yaml")
    let kea = inventory.appliances[0]
    #expect(kea.caFile == "/etc/failover-report/tls/ca.pem")
    #expect(kea.certFile == "/etc/c.pem")
    #expect(kea.keyFile == "/abs/k.pem")
    #expect(kea.password == .file("/etc/failover-report/k.pass"))
    #expect(inventory.appliances[1].leases == "/etc/failover-report/leases/dhcpd.leases")
    #expect(inventory.appliances[2].export == "/etc/failover-report/e.csv")
    #expect(inventory.appliances[2].apiKey == .file("/etc/failover-report/e.key"))
  }

  @Test("the judging block reads seconds and units")
  func judgingThresholds() throws {
    let inventory = try Inventory.parse(
      "judging:\n  interrupted-critical-after: 4h\n  transition-critical-after: 90 min\n  recover-wait-grace: 45\nappliances: []\n",
      file: "inventory.yaml")
    #expect(
      inventory.judging
        == JudgingThresholds(
          interruptedCriticalAfter: 14_400, transitionCriticalAfter: 5400, recoverWaitGrace: 45))
    #expect(inventory.judging.interruptionLimit(mclt: 3600) == 14_400)
    #expect(JudgingThresholds().interruptionLimit(mclt: 7200) == 7200, "the MCLT when longer")
    #expect(JudgingThresholds().interruptionLimit(mclt: 60) == 3600, "at least an hour")
    #expect(JudgingThresholds().interruptionLimit(mclt: nil) == 3600)
  }

  @Test(
    "mistakes are reported where they are",
    arguments: [
      (
        "appliances:\n  - name: a\n    kind: kae\n",
        "inventory.yaml:3:11: appliances[0].kind: expected one of kea, dhcpd, edgeconnect, found \"kae\""
      ),
      (
        "appliances:\n  - name: a\n    kind: kea\n    url: https://h/\n    cert-file: /c.pem\n",
        "inventory.yaml:5:16: appliances[0].cert-file: a client certificate needs both cert-file and key-file; add 'key-file'"
      ),
      (
        "appliances:\n  - name: a\n    kind: kea\n    url: http://h/\n    pasword-env: X\n",
        "inventory.yaml:5:5: appliances[0].pasword-env: unknown key \"pasword-env\" (did you mean 'password-env'?)"
      ),
      (
        "appliances:\n  - name: a\n    kind: kea\n",
        "inventory.yaml:2:5: appliances[0]: a kea appliance needs 'url'"
      ),
      (
        "appliances:\n  - name: a\n    kind: kea\n    url: ftp://h/\n",
        "inventory.yaml:4:10: appliances[0].url: expected an http:// or https:// URL, found \"ftp://h/\""
      ),
      (
        "appliances:\n  - {name: a, kind: dhcpd, leases: /x}\n  - {name: a, kind: dhcpd, leases: /y}\n",
        "inventory.yaml:3:5: appliances[1].name: the name \"a\" is already used by appliances[0]"
      ),
      (
        "defaults: {timeout: -1}\nappliances: []\n",
        "inventory.yaml:1:21: defaults.timeout: expected a length of time such as 5, 2.5, 5s, 500 ms, 30 min, 4h or 2d (more than 0, at most 1 h), found \"-1\""
      ),
      (
        "appliances:\n  - name: a\n    kind: kea\n     url: x\n",
        "inventory.yaml:4:9: not valid YAML"
      ),
      (
        "judging:\n  interrupted-critical-after: soon\nappliances: []\n",
        "inventory.yaml:2:31: judging.interrupted-critical-after: expected a length of time such as 90, 30 min, 4h or 2d (whole seconds, at most a year), found \"soon\""
      ),
      (
        "judging:\n  recover-wait-grace: 2y\nappliances: []\n",
        "inventory.yaml:2:23: judging.recover-wait-grace: expected a length of time"
      ),
      (
        "judging:\n  interupted-critical-after: 4h\nappliances: []\n",
        "inventory.yaml:2:3: judging.interupted-critical-after: unknown key \"interupted-critical-after\" (did you mean 'interrupted-critical-after'?)"
      ),
      (
        "appliance: []\n",
        "inventory.yaml:1:1: appliance: unknown key \"appliance\" (did you mean 'appliances'?)"
      ),
      (
        "appliances:\n  - name: a\n    kind: kea\n    url: http://user:secret@h/\n",
        "inventory.yaml:4:10: appliances[0].url: the URL holds a password"
      ),
      (
        "appliances:\n  - name: a\n    kind: dhcpd\n    omapi: 127.0.0.1:7911\n",
        "inventory.yaml:4:12: appliances[0].omapi: OMAPI opens the failover state by name: add 'peer'"
      ),
      (
        "appliances:\n  - name: a\n    kind: dhcpd\n    peer: fo\n    omapi: localhost\n",
        "inventory.yaml:5:12: appliances[0].omapi: expected HOST:PORT"
      ),
      (
        "appliances:\n  - name: a\n    kind: dhcpd\n    peer: fo\n",
        "inventory.yaml:2:5: appliances[0]: a dhcpd appliance needs 'leases'"
      ),
      (
        "appliances:\n  - name: e\n    kind: edgeconnect\n    url: https://o/x\n    api-key-env: K\n    api-key-file: /k\n",
        "inventory.yaml:6:19: appliances[0].api-key-file: give either api-key-env or api-key-file"
      ),
      (
        "appliances:\n  - name: e\n    kind: edgeconnect\n    export: /x.csv\n    deployment: ssh://e/\n",
        "inventory.yaml:5:17: appliances[0].deployment: expected an http:// or https:// URL"
      ),
      // Found by the inventory fuzz target: libyaml counted the lone \r as a line break and
      // pointed one line past the end; editors count \n only.
      (
        "applOptionalappliances:\n  - m a\n    ki=d:ncurr keei\rnc2e",
        "inventory.yaml:3:25: not valid YAML: could not find expected ':'"
      ),
      (
        "appliances:\r\n  - name: a\r\n    kind: kae\r\n",
        "inventory.yaml:3:11: appliances[0].kind: expected one of kea, dhcpd, edgeconnect"
      ),
      // U+2028 ends the comment for libyaml (its line 3), not for an editor (line 2).
      (
        "# note\u{2028}more\nappliances:\n  - name: a\n",
        "inventory.yaml:2:11: not valid YAML: mapping values are not allowed"
      ),
    ])
  func mistakes(yaml: String, expected: String) throws {
    let error = try #require(Self.error(yaml))
    #expect(error.description.hasPrefix(expected), "\(error)")
  }

  @Test("every mistake in the file is reported in one pass, in the file's order")
  func everyMistakeAtOnce() throws {
    let error = try #require(
      Self.error(
        """
        defaults: {timeout: 5s, concurency: 3}
        judging: {recover-wait-grace: soon}
        appliances:
          - name: kea-a
            kind: kea
            url: http://127.0.0.1:8001/
            service: dhcp
            password: hunter2
          - name: kea-b
            kind: kae
            url: ftp://x/
          - {name: d, kind: dhcpd, leases: /x, service: dhcp4}
        """))
    #expect(
      error.problems.map { "\($0.line):\($0.column) \($0.path)" } == [
        "1:25 defaults.concurency", "2:31 judging.recover-wait-grace", "7:14 appliances[0].service",
        "8:5 appliances[0].password", "10:11 appliances[1].kind", "11:10 appliances[1].url",
        "12:49 appliances[2].service",
      ])
    #expect(error.description.split(separator: "\n").count == 7)
    let password = try #require(error.problems.first { $0.path == "appliances[0].password" })
    #expect(password.message.contains("password-file") && password.message.contains("password-env"))
    #expect(!error.description.contains("hunter2"), "a secret is never repeated")
    #expect(
      error.problems.first { $0.path == "appliances[0].service" }?.message.hasPrefix(
        "expected dhcp4 or dhcp6") == true)
    #expect(
      error.problems.last?.message.hasPrefix("service names the Kea server behind a Control Agent")
        == true)
  }

  @Test("tabs are named as tabs, one problem per tab-indented line")
  func tabs() throws {
    let error = try #require(
      Self.error("appliances:\n  - name: a\n\tkind: kea\n  - name: b\n \t url: x\n"))
    #expect(
      error.description
        == """
        inventory.yaml:3:1: a tab indents this line; YAML indents with spaces only: replace the tab with spaces
        inventory.yaml:5:2: a tab indents this line; YAML indents with spaces only: replace the tab with spaces
        """)
  }

  @Test(
    "a time limit takes a unit wherever it is read",
    arguments: [
      ("5", 5.0), ("2.5", 2.5), ("5s", 5), ("5 s", 5), ("500ms", 0.5), ("1 min", 60), ("1h", 3600),
    ])
  func timeoutUnits(text: String, seconds: Double) throws {
    let inventory = try Inventory.parse(
      """
      defaults: {timeout: \(text)}
      appliances:
        - {name: a, kind: kea, url: "http://127.0.0.1:1/", timeout: \(text)}
      """, file: "inventory.yaml")
    #expect(inventory.defaults.timeout == seconds)
    #expect(inventory.appliances.first?.timeout == seconds)
  }

  @Test("the README's Kea 3.0 example parses, with ha-servers read as a list of one")
  func readmeKea30Example() throws {
    let example = try TestSupport.readmeBlock(
      "<!-- kea30-example: read verbatim by Tests/FailoverReportTests/InventoryTests.swift -->")
    let inventory = try Inventory.parse(example, file: "README.md")
    #expect(inventory.appliances.map(\.name) == ["dc1-kea-a", "dc1-kea-b"])
    #expect(inventory.appliances.allSatisfy { $0.service == nil && $0.site == "DC1" })
    #expect(inventory.appliances[1].haServers == ["server2"])
    #expect(inventory.appliances[0].certFile != nil && inventory.appliances[0].caFile != nil)
  }

  @Test("ha-servers: one name, a list, and what is refused")
  func haServers() throws {
    let list = try Inventory.parse(
      """
      appliances:
        - {name: hub, kind: kea, url: "http://127.0.0.1:8000/", ha-servers: [server1, server3]}
      """, file: "inventory.yaml")
    #expect(list.appliances.first?.haServers == ["server1", "server3"])
    let empty = try #require(
      Self.error(
        """
        appliances:
          - {name: a, kind: kea, url: "http://127.0.0.1:8000/", ha-servers: []}
        """))
    #expect(empty.description.contains("appliances[0].ha-servers"))
    #expect(empty.description.contains("this-server-name"))
    let dhcpd = try #require(
      Self.error(
        """
        appliances:
          - {name: a, kind: dhcpd, leases: /tmp/x, ha-servers: server1}
        """))
    #expect(dhcpd.description.contains("a dhcpd appliance has none"))
  }
}
