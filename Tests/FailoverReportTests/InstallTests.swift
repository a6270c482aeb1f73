import Foundation
import Snapshot
import Testing

extension ExternalProcesses {
  /// From the checkout to a scheduled job, as the README tells it: `.ci/install` builds the
  /// release binary into a temporary prefix, and the README's cron lines and systemd
  /// `ExecStart` run that binary as cron and systemd would (an empty environment, an
  /// unprivileged user when the test runs as root) against a real Kea 2.2 hot-standby pair
  /// with a backup, behind basic auth, whose password is in a `password-file`. The mail goes through msmtp to an SMTP
  /// server on 127.0.0.1.
  @Suite("Install and schedule", .serialized)
  struct InstallTests {
    /// The folders the README's examples name, and where the test puts each.
    struct Layout {
      let root: URL
      var prefix: URL { root.appendingPathComponent("prefix") }
      var etc: URL { root.appendingPathComponent("etc") }
      var state: URL { root.appendingPathComponent("var-lib") }
      var www: URL { root.appendingPathComponent("www") }
      var home: URL { root.appendingPathComponent("home") }

      /// `command` with the README's paths moved into the test's folder.
      func moved(_ command: String) -> String {
        [
          ("/usr/local/", prefix.path + "/"), ("/etc/failover-report", etc.path),
          ("/var/www/html/failover", www.path), ("/var/lib/failover-report", state.path),
        ].reduce(command) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
      }
    }

    /// Runs `command` through /bin/sh as cron and systemd do: nothing of this process's
    /// environment, and as `nobody` when the test is root.
    static func runScheduled(_ command: String, home: URL) throws -> TestSupport.Result {
      var arguments = [
        "-i", "HOME=\(home.path)", "LOGNAME=nobody", "SHELL=/bin/sh", "PATH=/usr/bin:/bin",
      ]
      if getuid() == 0 {
        arguments += ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
      }
      arguments += ["/bin/sh", "-c", command]
      return try TestSupport.execute(URL(fileURLWithPath: "/usr/bin/env"), arguments)
    }

    /// Gives `url` (and everything below it) to `nobody` when the test is root.
    static func giveToNobody(_ url: URL) throws {
      guard getuid() == 0 else { return }
      let result = try TestSupport.execute(
        URL(fileURLWithPath: "/bin/chown"), ["-R", "65534:65534", url.path])
      #expect(result.status == 0, "\(result.stderr)")
    }

    static let servers = ["server1", "server2", "server3"]

    @Test("installed from the checkout, the README's cron lines and systemd unit run the job")
    func installAndSchedule() async throws {
      guard let msmtp = EmailDeliveryTests.msmtp() else { return }
      guard
        let lab = try KeaIntegrationTests.lab(
          "hs.dhcp4.json", agent: "ctrl-agent-auth.json", servers: Self.servers)
      else { return }
      defer { lab.stopAll() }
      let folder = try TestSupport.temporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder) }
      let layout = Layout(root: folder)

      // 1. Install, exactly as the README says, into a temporary prefix.
      let install = try TestSupport.execute(
        URL(fileURLWithPath: "/bin/bash"),
        [
          TestSupport.root.appendingPathComponent(".ci/install").path, "--prefix",
          layout.prefix.path,
        ])
      try #require(install.status == 0, "\(install.stdout)\(install.stderr)")
      let binary = layout.prefix.appendingPathComponent("bin/failover-report")
      #expect(FileManager.default.isExecutableFile(atPath: binary.path))
      #expect(
        FileManager.default.fileExists(
          atPath: layout.prefix.appendingPathComponent("share/doc/failover-report/README.md").path))
      let libraries = try TestSupport.execute(URL(fileURLWithPath: "/usr/bin/ldd"), [binary.path])
      #expect(!libraries.stdout.contains("not found"))
      #expect(
        !libraries.stdout.contains("libswiftCore"),
        "Swift's runtime is linked in: \(libraries.stdout)")

      // 2. The inventory, its password in a file only the job's user can read.
      try FileManager.default.createDirectory(at: layout.etc, withIntermediateDirectories: true)
      try """
      appliances:
      \(Self.servers.enumerated().map { index, server in
        """
          - name: lab-kea-\(["a", "b", "backup"][index])
            kind: kea
            url: \(lab.url(server))
            service: dhcp4
            username: admin
            password-file: kea.pass
            site: LAB
        """
      }.joined(separator: "\n"))
      """.write(
        to: layout.etc.appendingPathComponent("inventory.yaml"), atomically: true, encoding: .utf8)
      // Nothing acknowledged yet: the file the operators keep in git starts empty.
      try "acknowledgements: []\nmaintenance: []\n".write(
        to: layout.etc.appendingPathComponent("acknowledgements.yaml"), atomically: true,
        encoding: .utf8)
      let password = layout.etc.appendingPathComponent("kea.pass")
      try "lab-secret\n".write(to: password, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: password.path)
      for created in [layout.state, layout.www, layout.home] {
        try FileManager.default.createDirectory(at: created, withIntermediateDirectories: true)
      }
      // msmtp, the machine's sendmail here, relays to the test's SMTP server.
      let inbox = folder.appendingPathComponent("inbox")
      try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
      let sink = try EmailDeliveryTests.SMTPSink(folder: inbox)
      defer { sink.stop() }
      let msmtprc = layout.home.appendingPathComponent(".msmtprc")
      try
        "account default\nhost 127.0.0.1\nport \(sink.port)\nauth off\ntls off\nfrom failover-report@example.net\n"
        .write(to: msmtprc, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: msmtprc.path)
      for owned in [layout.etc, layout.state, layout.www, layout.home] {
        try Self.giveToNobody(owned)
      }
      _ = try await KeaIntegrationTests.waitFor(
        lab, servers: Self.servers, username: "admin",
        environment: ["KEA_TEST_PASSWORD": "lab-secret"]
      ) {
        KeaIntegrationTests.states(
          $0, ["server1": "hot-standby", "server2": "hot-standby", "server3": "backup"])
      }

      // 3. The cron line, as cron runs it, twice: the first run mails (there is no run before
      // it), the second finds nothing changed and does not.
      let cron = try TestSupport.readmeBlock(
        "<!-- cron-example: run by Tests/FailoverReportTests/InstallTests.swift -->")
      let jobs = cron.split(separator: "\n").filter {
        $0.first?.isNumber == true || $0.hasPrefix("*")
      }
      try #require(jobs.count == 1, "\(cron)")
      #expect(cron.contains("MAILTO="))
      let fields = jobs[0].split(separator: " ", maxSplits: 6)
      try #require(fields.count == 7)
      #expect(fields[5] == "failover-report", "the job runs as its own user")
      // The test machine's own sendmail, if it has one, must never mail the example address.
      let command = layout.moved(String(fields[6])).replacingOccurrences(
        of: "--mail-to", with: "--sendmail \(msmtp.path) --mail-to")
      for run in 1...2 {
        if run == 2 {
          // Runs are told apart by their second (a run sees those of earlier seconds as before
          // it); cron's are minutes apart, these would be milliseconds apart.
          let first = try Snapshot.decoded(
            fromJSON: TestSupport.read(layout.www.appendingPathComponent("snapshot.json")))
          while Date() < first.collectedAt.addingTimeInterval(1) {
            try await Task.sleep(for: .milliseconds(50))
          }
        }
        let result = try Self.runScheduled(command, home: layout.home)
        #expect(result.status == 0, "run \(run): \(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout goes to /dev/null, or cron would mail it")
        #expect(result.stderr.isEmpty, "a healthy run says nothing, so cron mails nothing")
      }
      let page = try String(
        contentsOf: layout.www.appendingPathComponent("index.html"), encoding: .utf8)
      #expect(page.contains("lab-kea-backup") && page.contains("hot-standby"))
      #expect(!page.contains("lab-secret"))
      let metrics = try String(
        contentsOf: layout.state.appendingPathComponent("metrics/failover.prom"), encoding: .utf8)
      #expect(metrics.contains("failover_report_relationship_severity"))
      let archived = TestSupport.files(in: layout.state.appendingPathComponent("archive")) {
        $0.hasSuffix("-summary.tsv")
      }
      #expect(!archived.isEmpty, "\(archived)")
      let checked = try TestSupport.execute(
        binary,
        ["validate", layout.www.appendingPathComponent("index.html").path]
          + TestSupport.files(in: layout.state.appendingPathComponent("archive")) {
            $0.hasSuffix(".html")
          }.map { layout.state.appendingPathComponent("archive/\($0)").path })
      #expect(checked.status == 0, "\(checked.stdout)")
      let mail = try sink.received()
      try #require(mail.count == 1, "one mail: nothing changed between the two runs")
      #expect(mail[0].recipients == ["noc@example.net"])
      #expect(mail[0].data.contains("Subject: [OK] DHCP failover:"))
      #expect(!mail[0].data.contains("lab-secret"))

      // 4. The systemd service, as its ExecStart runs under User= with systemd's clean
      // environment; the timer's calendar is one systemd reads.
      let service = try TestSupport.readmeBlock(
        "<!-- systemd-example: run by Tests/FailoverReportTests/InstallTests.swift -->")
      let timer = try TestSupport.readmeBlock(
        "<!-- systemd-example: run by Tests/FailoverReportTests/InstallTests.swift -->",
        second: true)
      let lines = service.split(separator: "\n").map(String.init)
      #expect(lines.contains("User=failover-report"))
      #expect(lines.contains("SuccessExitStatus=1 2"))
      #expect(timer.contains("OnCalendar=*:0/5") && timer.contains("WantedBy=timers.target"))
      let execStart = try #require(lines.first { $0.hasPrefix("ExecStart=") })
      let result = try Self.runScheduled(
        layout.moved(String(execStart.dropFirst("ExecStart=".count))), home: layout.home)
      #expect([0, 1, 2].contains(result.status), "SuccessExitStatus=1 2 covers the verdicts")
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.stdout.hasPrefix("FAILOVER OK - the one relationship healthy"))
    }
  }
}
