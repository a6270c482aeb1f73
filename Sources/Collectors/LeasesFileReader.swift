import Foundation
import Snapshot

/// Reads the `failover peer "NAME" state { … }` stanzas of an ISC dhcpd leases file.
///
/// dhcpd appends a stanza on every change, so the last complete stanza per peer wins. The
/// file is read in chunks, in bounded memory, once; a stanza cut off at the end (the file was
/// being written) is ignored and reported.
public enum LeasesFileReader {
  public struct Result: Sendable, Equatable {
    public var peers: [FailoverPeerStatus]
    /// Set when the file ended inside a stanza.
    public var tornTail: Bool
  }

  public static func read(path: String, chunkSize: Int = 1 << 20) throws -> Result {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw CollectionFailure(.configuration, "cannot open the leases file \(path)")
    }
    defer { try? handle.close() }
    var parser = StanzaParser()
    var carry = Data()
    while true {
      let chunk = try handle.read(upToCount: chunkSize) ?? Data()
      if chunk.isEmpty { break }
      carry.append(chunk)
      // Hand over whole lines only; keep the unfinished last line for the next chunk.
      guard let lastNewline = carry.lastIndex(of: 0x0A) else {
        if carry.count > 1 << 20 { carry.removeAll() }  // an absurd line: not a stanza
        continue
      }
      parser.feed(carry[carry.startIndex...lastNewline])
      carry = Data(carry[(lastNewline + 1)...])
    }
    if !carry.isEmpty { parser.feed(carry) }
    return Result(peers: parser.peers, tornTail: parser.isInsideStanza)
  }

  /// Parses stanza text directly (for tests and fuzzing).
  public static func parse(_ text: String) -> Result {
    var parser = StanzaParser()
    parser.feed(Data(text.utf8))
    return Result(peers: parser.peers, tornTail: parser.isInsideStanza)
  }

  struct StanzaParser {
    private var order: [String] = []
    private var latest: [String: FailoverPeerStatus] = [:]
    private var current: FailoverPeerStatus?

    var isInsideStanza: Bool { current != nil }
    var peers: [FailoverPeerStatus] { order.compactMap { latest[$0] } }

    private static let stanzaStart = Array("failover peer".utf8)

    mutating func feed(_ data: Data) {
      data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        var lineStart = 0
        let count = buffer.count
        while lineStart < count {
          var lineEnd = lineStart
          while lineEnd < count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
          var first = lineStart
          while first < lineEnd, buffer[first] == 0x20 || buffer[first] == 0x09 { first += 1 }
          // Lease blocks are nearly all of a big file: skip their lines without making strings.
          if first < lineEnd,
            isInsideStanza
              || (lineEnd - first >= Self.stanzaStart.count
                && Self.stanzaStart.indices.allSatisfy {
                  buffer[first + $0] == Self.stanzaStart[$0]
                })
          {
            let line = String(decoding: buffer[first..<lineEnd], as: UTF8.self)
              .trimmingCharacters(in: .whitespaces)
            handle(line)
          }
          lineStart = lineEnd + 1
        }
      }
    }

    private mutating func handle(_ line: String) {
      if line.hasPrefix("failover peer \""), line.hasSuffix("state {") {
        let afterQuote = line.dropFirst("failover peer \"".count)
        guard let close = afterQuote.firstIndex(of: "\"") else { return }
        current = FailoverPeerStatus(
          name: String(afterQuote[..<close]), myState: nil, myStateTime: nil, partnerState: nil,
          partnerStateTime: nil, mclt: nil)
        return
      }
      guard var stanza = current else { return }
      if line == "}" {
        if latest[stanza.name] == nil { order.append(stanza.name) }
        latest[stanza.name] = stanza
        current = nil
        return
      }
      let statement = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? line
      if statement.hasPrefix("my state ") {
        let (state, time) = Self.stateAndTime(statement.dropFirst("my state ".count))
        stanza.myState = state
        stanza.myStateTime = time
      } else if statement.hasPrefix("partner state ") {
        let (state, time) = Self.stateAndTime(statement.dropFirst("partner state ".count))
        stanza.partnerState = state
        stanza.partnerStateTime = time
      } else if statement.hasPrefix("mclt ") {
        stanza.mclt = Int(statement.dropFirst("mclt ".count).trimmingCharacters(in: .whitespaces))
      } else if line.hasPrefix("failover peer") || line.hasPrefix("lease ") {
        // Another stanza began before this one closed: the file is damaged here.
        current = nil
        handle(line)
        return
      }
      current = stanza
    }

    /// `normal at 6 2026/11/21 23:27:07`, `normal at epoch 1795303737`, or `… at never`.
    static func stateAndTime(_ text: Substring) -> (String?, Date?) {
      let parts = text.components(separatedBy: " at ")
      let state = parts.first?.trimmingCharacters(in: .whitespaces)
      guard parts.count > 1 else { return (state, nil) }
      let when = parts[1].trimmingCharacters(in: .whitespaces)
      if when.hasPrefix("epoch ") {
        let seconds = when.dropFirst("epoch ".count).prefix { $0.isNumber }
        return (state, Double(seconds).map { Date(timeIntervalSince1970: $0) })
      }
      let fields = when.split(separator: " ")
      guard fields.count >= 3 else { return (state, nil) }
      return (state, DhcpdTime.parse(date: fields[1], time: fields[2]))
    }
  }
}

/// dhcpd's `YYYY/MM/DD HH:MM:SS`, always UTC in the leases file.
enum DhcpdTime {
  static func parse(date: Substring, time: Substring) -> Date? {
    let d = date.split(separator: "/").compactMap { Int($0) }
    let t = time.split(separator: ":").compactMap { Int($0) }
    guard d.count == 3, t.count == 3 else { return nil }
    var components = DateComponents()
    components.calendar = Calendar(identifier: .gregorian)
    components.timeZone = TimeZone(identifier: "UTC")
    (components.year, components.month, components.day) = (d[0], d[1], d[2])
    (components.hour, components.minute, components.second) = (t[0], t[1], t[2])
    guard components.isValidDate else { return nil }
    return components.date
  }
}
