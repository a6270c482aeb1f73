import Foundation
import Snapshot
import Testing

@testable import Collectors

/// OMAPI decoding checked against the lab's captures of real dhcpd 4.4 (read from
/// ../shared/lab/dhcpd/captures, never copied).
@Suite("OMAPI captures")
struct OMAPICaptureTests {
  static let captures = TestSupport.shared.appendingPathComponent("lab/dhcpd/captures")

  /// The TCP payload of a pcap file, per direction ("src-port>dst-port"), in capture order.
  static func streams(pcap url: URL) throws -> [String: [UInt8]] {
    let bytes = try TestSupport.read(url)
    guard bytes.count >= 24 else { return [:] }
    let littleEndian = bytes[0] == 0xd4
    func u32(_ offset: Int) -> Int {
      let slice = bytes[offset..<(offset + 4)]
      return (littleEndian ? slice.reversed() : Array(slice)).reduce(0) { $0 << 8 | Int($1) }
    }
    let linkType = u32(20)
    var streams: [String: [UInt8]] = [:]
    var offset = 24
    while offset + 16 <= bytes.count {
      let length = u32(offset + 8)
      let start = offset + 16
      offset = start + length
      guard offset <= bytes.count else { break }
      // Ethernet (1) on lo carries a 14-byte header; Linux cooked (113) 16 bytes.
      let ip = start + (linkType == 113 ? 16 : 14)
      guard bytes[ip] >> 4 == 4 else { continue }
      let ipHeader = Int(bytes[ip] & 0x0f) * 4
      let totalLength = Int(bytes[ip + 2]) << 8 | Int(bytes[ip + 3])
      let tcp = ip + ipHeader
      let source = Int(bytes[tcp]) << 8 | Int(bytes[tcp + 1])
      let destination = Int(bytes[tcp + 2]) << 8 | Int(bytes[tcp + 3])
      let payload = tcp + Int(bytes[tcp + 12] >> 4) * 4
      let end = ip + totalLength
      if payload < end { streams["\(source)>\(destination)", default: []] += bytes[payload..<end] }
    }
    return streams
  }

  /// Every message of one direction, after the 8-byte introduction; fails on leftovers.
  static func messages(_ stream: [UInt8]) throws -> [OMAPIMessage] {
    #expect(Array(stream.prefix(8)) == OMAPIMessage.introduction)
    var rest = stream.dropFirst(8)
    var messages: [OMAPIMessage] = []
    while !rest.isEmpty {
      guard let (message, length) = try OMAPIMessage.decode(rest) else {
        Issue.record("\(rest.count) bytes left that are not a whole message")
        break
      }
      messages.append(message)
      rest = rest.dropFirst(length)
    }
    return messages
  }

  /// The object values omshell printed last (`name = value`, hex or a quoted string).
  static func omshellValues(_ url: URL) throws -> [(String, [UInt8])] {
    let text = try String(contentsOf: url, encoding: .utf8)
    guard let last = text.components(separatedBy: "obj: failover-state").last,
      text.contains("obj: failover-state")
    else { return [] }
    return last.components(separatedBy: "\n").compactMap { line in
      let parts = line.components(separatedBy: " = ")
      guard parts.count == 2 else { return nil }
      let name = parts[0].replacingOccurrences(of: "> ", with: "")
      let value = parts[1]
      if value.hasPrefix("\"") {
        return (name, Array(value.dropFirst().dropLast().utf8))
      }
      let hex = value.split(separator: ":").compactMap { UInt8($0, radix: 16) }
      return hex.isEmpty ? nil : (name, hex)
    }
  }

  private func requireCaptures() -> Bool {
    guard FileManager.default.fileExists(atPath: Self.captures.path) else {
      #expect(!TestSupport.isCI, "../shared/lab/dhcpd/captures is missing")
      return false
    }
    return true
  }

  @Test("unkeyed OMAPI on the wire: the request we would send and the answer dhcpd gave")
  func unkeyedWire() throws {
    guard requireCaptures() else { return }
    let streams = try Self.streams(
      pcap: Self.captures.appendingPathComponent("01-normal/omapi-7912.pcap"))
    let client = try #require(streams.first { $0.key.hasSuffix(">7912") }?.value)
    let server = try #require(streams.first { $0.key.hasPrefix("7912>") }?.value)
    let requests = try Self.messages(client)
    let answers = try Self.messages(server)
    let request = try #require(requests.first)
    #expect(request.operation == OMAPIMessage.Operation.open.rawValue)
    #expect(request.text("type", inMessage: true) == "failover-state")
    #expect(request.text("name") == "lab-fo")
    // Our encoder writes the same 68 bytes omshell did (apart from the random id).
    var ours = OMAPIMessage(
      operation: .open, id: request.id, messageValues: [("type", Array("failover-state".utf8))],
      objectValues: [("name", Array("lab-fo".utf8))])
    ours.signature = []
    #expect(ours.encoded() == Array(client.dropFirst(8).prefix(68)))

    let answer = try #require(answers.first)
    #expect(answer.operation == OMAPIMessage.Operation.update.rawValue)
    #expect(answer.responseTo == request.id)
    let transcript = try Self.omshellValues(
      Self.captures.appendingPathComponent("01-normal/omshell-secondary.txt"))
    for name in ["local-state", "partner-state", "mclt", "hierarchy", "max-response-delay"] {
      let printed = transcript.last { $0.0 == name }?.1
      #expect(answer.value(name) == printed, "\(name)")
    }
    let status = answer.failoverPeerStatus(peer: "lab-fo")
    #expect(status.myState == "normal")
    #expect(status.partnerState == "normal")
    #expect(status.role == "secondary")
    #expect(status.mclt == 60)
    #expect(status.maxResponseDelay == 10)
    #expect(status.unackedUpdates == 0)
  }

  @Test(
    "keyed OMAPI on the wire: the authenticator is opened unsigned, then every message carries a 32-byte HMAC-SHA256"
  )
  func keyedWire() throws {
    guard requireCaptures() else { return }
    let streams = try Self.streams(
      pcap: Self.captures.appendingPathComponent("01-normal/omapi-7911.pcap"))
    let client = try Self.messages(try #require(streams.first { $0.key.hasSuffix(">7911") }?.value))
    let server = try Self.messages(try #require(streams.first { $0.key.hasPrefix("7911>") }?.value))
    #expect(client.count >= 2)
    #expect(client.first?.text("type", inMessage: true) == "authenticator")
    #expect(client.first?.text("algorithm") == "hmac-sha256.SIG-ALG.REG.INT.")
    #expect(client.first?.signature.isEmpty == true)
    let handle = try #require(server.first?.handle)
    for message in client.dropFirst() {
      #expect(message.authID == handle)
      #expect(message.signature.count == 32)
    }
    for message in server.dropFirst() {
      #expect(message.signature.count == 32)
    }
    #expect(server.last.map { $0.failoverPeerStatus(peer: "lab-fo").myState } == "normal")
  }

  @Test(
    "every omshell transcript of the lab decodes to a state, and agrees with that server's leases file"
  )
  func transcripts() throws {
    guard requireCaptures() else { return }
    let files = TestSupport.files(in: Self.captures) {
      $0.contains("omshell-") && $0.hasSuffix(".txt") && !$0.contains("errors")
    }
    var decoded = 0
    for file in files {
      let values = try Self.omshellValues(Self.captures.appendingPathComponent(file))
      guard values.contains(where: { $0.0 == "local-state" }) else { continue }
      // Transcripts printed after "update" show omshell's local copy, not the server's.
      let text = try String(contentsOf: Self.captures.appendingPathComponent(file), encoding: .utf8)
      if text.contains("\nupdate") { continue }
      var message = OMAPIMessage(operation: .update, id: 1, messageValues: [], objectValues: [])
      message.objectValues = values.map { (name: $0.0, value: $0.1) }
      let status = message.failoverPeerStatus(peer: "lab-fo")
      let state = try #require(status.myState, "\(file)")
      #expect(FailoverStateNumbers.all.contains { $0.name == state }, "\(file)")
      decoded += 1
      let folder = (file as NSString).deletingLastPathComponent
      let role = file.contains("primary") ? "primary" : "secondary"
      let leases = Self.captures.appendingPathComponent("\(folder)/\(role).leases")
      guard state != "startup", FileManager.default.fileExists(atPath: leases.path),
        let peer = try LeasesFileReader.read(path: leases.path).peers.first
      else { continue }
      #expect(
        peer.myState == state,
        "\(file): OMAPI says \(state), the leases file \(peer.myState ?? "-")")
    }
    #expect(decoded >= 8)
  }

  @Test("a peer that announces a huge value or stops mid-message is refused, not waited for")
  func hostileLengths() throws {
    var header: [UInt8] = []
    for field: UInt32 in [0, 0, 3, 1, 2, 3] { OMAPIMessage.append(field, to: &header) }
    var huge = header
    OMAPIMessage.append(UInt16(4), to: &huge)
    huge += Array("name".utf8)
    OMAPIMessage.append(UInt32(0x7fff_ffff), to: &huge)
    #expect(throws: OMAPIMessage.DecodingError.self) { try OMAPIMessage.decode(huge[...]) }
    // A message cut short is "need more bytes", never a crash or a wrong message.
    let whole = OMAPIMessage(
      operation: .update, id: 7, messageValues: [],
      objectValues: [("local-state", [0, 0, 0, 2]), ("name", Array("lab-fo".utf8))]
    ).encoded()
    for cut in 0..<whole.count {
      #expect(try OMAPIMessage.decode(whole.prefix(cut)) == nil)
    }
    #expect(try OMAPIMessage.decode(whole[...])?.1 == whole.count)
  }

  @Test("a key file in dhcpd's syntax; a wrong one is refused with the file's name")
  func keyFiles() throws {
    let key = try OMAPIKey.parse(
      """
      # written by run-lab.sh
      key omapi_key {
        algorithm hmac-sha256;
        secret "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=";
      };
      """, file: "omapi.key")
    #expect(key.name == "omapi_key")
    #expect(key.algorithm == .hmacSHA256)
    #expect(key.secret == Array("secret-secret-secret-secret-secr".utf8))
    let md5 = try OMAPIKey.parse(
      "key \"legacy\" { secret \"YWJj\"; algorithm HMAC-MD5.SIG-ALG.REG.INT; };", file: "k")
    #expect(md5.algorithm == .hmacMD5)
    #expect(throws: CollectionFailure.self) {
      try OMAPIKey.parse("key k { algorithm hmac-sha1; secret \"YWJj\"; };", file: "k")
    }
    do {
      _ = try OMAPIKey.parse("omapi-key k;", file: "/etc/dhcp/omapi.key")
      Issue.record("a file without a key statement was accepted")
    } catch {
      #expect(error.message.hasPrefix("/etc/dhcp/omapi.key holds no key statement"))
    }
  }
}
