import Foundation
import Snapshot
import Testing

#if canImport(Glibc)
  import Glibc
#endif

extension ExternalProcesses {
  /// failover-report against a real ISC dhcpd 4.4 failover pair, through both the leases files
  /// and OMAPI, while the pair goes through a crash, partner-down and recovery.
  @Suite("Real dhcpd 4.4 failover pair", .serialized)
  struct DhcpdIntegrationTests {
    private func inventory(_ lab: DhcpdLab, wrongKey: URL) -> String {
      """
      appliances:
        - name: primary-omapi
          kind: dhcpd
          omapi: 127.0.0.1:7911
          peer: \(DhcpdLab.peer)
          key-file: \(lab.keyFile.path)
        - name: primary-leases
          kind: dhcpd
          leases: \(lab.leases("primary").path)
        - name: secondary-omapi
          kind: dhcpd
          omapi: 127.0.0.1:7912
          peer: \(DhcpdLab.peer)
        - name: secondary-leases
          kind: dhcpd
          leases: \(lab.leases("secondary").path)
        - name: primary-wrong-key
          kind: dhcpd
          omapi: 127.0.0.1:7911
          peer: \(DhcpdLab.peer)
          key-file: \(wrongKey.path)
      """
    }

    private func peer(_ snapshot: Snapshot, _ name: String) -> FailoverPeerStatus? {
      snapshot.appliances.first { $0.name == name }?.failoverPeers?.first
    }

    private func failure(_ snapshot: Snapshot, _ name: String) -> CollectionFailure? {
      snapshot.appliances.first { $0.name == name }?.failure
    }

    /// Runs the report until `condition` holds, at most `seconds`; every snapshot seen goes to
    /// `seen`. Polling a live pair is the only way to watch it change state.
    private func waitFor(
      _ what: String, _ lab: DhcpdLab, _ inventory: String, within seconds: Double,
      seen: ((Snapshot) throws -> Void)? = nil, _ condition: (Snapshot) -> Bool
    ) throws -> Snapshot? {
      let deadline = Date().addingTimeInterval(seconds)
      var last: Snapshot?
      while Date() < deadline {
        let snapshot = try lab.report(inventory)
        try seen?(snapshot)
        last = snapshot
        if condition(snapshot) { return snapshot }
        usleep(200_000)
      }
      let states =
        last?.appliances.map {
          "\($0.name): \($0.failoverPeers?.first?.myState ?? "-")/\($0.failoverPeers?.first?.partnerState ?? "-") \($0.failure?.message ?? "")"
        }.joined(separator: "\n") ?? "no snapshot"
      Issue.record("\(what) did not happen within \(Int(seconds)) s:\n\(states)\n\(lab.logs())")
      return nil
    }

    private func normal(_ peer: FailoverPeerStatus?) -> Bool {
      peer?.myState == "normal" && peer?.partnerState == "normal"
    }

    @Test(
      "normal; communications-interrupted after a crash; partner-down set through OMAPI; recover, recover-wait, recover-done and normal after the restart"
    )
    func lifecycle() throws {
      if let missing = DhcpdLab.missing() {
        #expect(!TestSupport.isCI, "\(missing)")
        return
      }
      let lab = try DhcpdLab(mclt: 20)
      defer { lab.tearDown() }
      let wrongKey = lab.folder.appendingPathComponent("wrong.key")
      try
        "key omapi_key { algorithm hmac-sha256; secret \"d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZw==\"; };"
        .write(to: wrongKey, atomically: true, encoding: .utf8)
      let inventory = inventory(lab, wrongKey: wrongKey)

      try lab.start("primary")
      try lab.start("secondary")
      guard
        let normalPair = try waitFor(
          "both servers normal", lab, inventory, within: 60,
          { s in
            normal(peer(s, "primary-omapi")) && normal(peer(s, "secondary-omapi"))
              && normal(peer(s, "primary-leases")) && normal(peer(s, "secondary-leases"))
          })
      else { return }
      #expect(peer(normalPair, "primary-omapi")?.role == "primary")
      #expect(peer(normalPair, "secondary-omapi")?.role == "secondary")
      #expect(peer(normalPair, "primary-omapi")?.mclt == 20)
      #expect(peer(normalPair, "secondary-omapi")?.mclt == 20)
      #expect(peer(normalPair, "primary-omapi")?.maxResponseDelay == 10)
      // OMAPI times are the server's own clock: within a minute of ours.
      let stos = peer(normalPair, "primary-omapi")?.myStateTime ?? .distantPast
      #expect(abs(stos.timeIntervalSince(normalPair.collectedAt)) < 60)
      #expect(failure(normalPair, "primary-wrong-key")?.kind == .unauthorized)

      lab.kill("secondary")
      guard
        let interrupted = try waitFor(
          "communications-interrupted", lab, inventory, within: 30,
          { s in
            peer(s, "primary-omapi")?.myState == "communications-interrupted"
              && peer(s, "primary-leases")?.myState == "communications-interrupted"
          })
      else { return }
      #expect(failure(interrupted, "secondary-omapi")?.kind == .unreachable)
      // The dead server's file still says what it last wrote.
      #expect(peer(interrupted, "secondary-leases")?.myState == "normal")

      let transcript = try lab.setPrimaryState(4)
      guard
        let partnerDown = try waitFor(
          "partner-down", lab, inventory, within: 15,
          { s in
            peer(s, "primary-omapi")?.myState == "partner-down"
              && peer(s, "primary-leases")?.myState == "partner-down"
          })
      else {
        Issue.record("omshell said: \(transcript)")
        return
      }
      #expect(peer(partnerDown, "primary-omapi")?.partnerState == "normal")

      try lab.start("secondary")
      var secondaryStates: [String] = []
      var recoverWaitPage = ""
      let recovered = try waitFor(
        "recovery to normal", lab, inventory, within: Double(lab.mclt) + 60,
        seen: { snapshot in
          if let state = peer(snapshot, "secondary-omapi")?.myState, secondaryStates.last != state {
            secondaryStates.append(state)
            if state == "recover-wait" {
              recoverWaitPage = try String(
                contentsOf: lab.folder.appendingPathComponent("www/index.html"), encoding: .utf8)
            }
          }
        },
        { s in normal(peer(s, "primary-omapi")) && normal(peer(s, "secondary-omapi")) })
      #expect(recovered != nil)
      #expect(secondaryStates.contains("recover-wait"), "OMAPI showed \(secondaryStates)")
      #expect(secondaryStates.last == "normal")
      // The wait's end is on the page, in the sentence that says what it waits for.
      #expect(recoverWaitPage.contains("waits one MCLT, until 2"))

      // The secondary's leases file keeps every step, in order.
      let text = try String(contentsOf: lab.leases("secondary"), encoding: .utf8)
      let steps = text.matches(of: /my state ([a-z-]+) at/).map { String($0.1) }
      var expected = ["recover", "recover-wait", "recover-done", "normal"][...]
      for step in steps.suffix(12) where step == expected.first { expected.removeFirst() }
      #expect(expected.isEmpty, "the secondary's leases file shows \(steps.suffix(12))")
    }
  }
}
