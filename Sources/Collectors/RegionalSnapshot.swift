import Crypto
import Foundation
import Snapshot

/// One `--region NAME=PATH` of `merge`: a regional run's `snapshot.json`, or the output folder
/// it publishes into.
public struct RegionSource: Sendable, Equatable {
  public var name: String
  /// As given on the command line.
  public var path: String

  public init(name: String, path: String) {
    self.name = name
    self.path = path
  }

  /// Reads `NAME=PATH`; the name is what the page calls the region.
  public init(argument: String) throws(MergeError) {
    guard let equals = argument.firstIndex(of: "=") else {
      throw .badRegionArgument(argument, "expected NAME=PATH, for example eu-west=/srv/eu-west/out")
    }
    let name = argument[..<equals].trimmingCharacters(in: .whitespaces)
    let path = String(argument[argument.index(after: equals)...])
    guard !name.isEmpty, !path.isEmpty else {
      throw .badRegionArgument(argument, "both the name and the path must be given (NAME=PATH)")
    }
    guard name.count <= 64, !name.contains(where: { $0.isNewline || $0 == "/" }) else {
      throw .badRegionArgument(
        argument, "a region name is one line of at most 64 characters, without /")
    }
    self.init(name: name, path: path)
  }

  /// The snapshot file: the path itself, or `snapshot.json` in the folder it names.
  public var snapshotPath: String {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      return (path.hasSuffix("/") ? path : path + "/") + "snapshot.json"
    }
    return path
  }
}

/// What reading one region's snapshot gave: a snapshot that may be merged, or why not.
public enum RegionRead: Sendable {
  /// Read, its digest checked when it has one, in a format this version reads.
  case snapshot(Snapshot, digest: String)
  /// Missing, unreadable, failing its digest or made by an incompatible version.
  case unusable(String)

  /// Whether there is a snapshot to merge.
  public var isUsable: Bool {
    if case .snapshot = self { return true }
    return false
  }

  /// The largest snapshot file read: far beyond what any region's run writes (2,500 servers
  /// make about 4 MB), so a wrong path to a huge file fails fast instead of exhausting memory.
  public static let maximumBytes = 1 << 30

  /// Reads and checks a region's snapshot. Never throws: every problem is a reason the page
  /// shows for that region.
  public static func read(_ source: RegionSource) -> RegionRead {
    // A regional run publishes snapshot.json, then its digest: read between the two, they
    // disagree. Reading again once tells that apart from a file that really is damaged.
    let first = readOnce(source.snapshotPath)
    if case .unusable(let reason) = first, reason.contains("does not match its digest") {
      return readOnce(source.snapshotPath)
    }
    return first
  }

  private static func readOnce(_ path: String) -> RegionRead {
    let bytes: [UInt8]
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      if let size = attributes[.size] as? Int, size > maximumBytes {
        return .unusable("\(path) is \(size) bytes, more than any snapshot (at most 1 GiB)")
      }
      bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch CocoaError.fileReadNoSuchFile, CocoaError.fileNoSuchFile {
      return .unusable("no snapshot at \(path): has the region's run published yet?")
    } catch {
      return .unusable("cannot read \(path): \(error.localizedDescription)")
    }
    let digest = Hexadecimal.of(SHA256.hash(data: bytes))
    if let problem = checkSidecar(of: path, digest: digest) { return .unusable(problem) }
    struct Header: Decodable {
      var format: Int
      var generator: String?
      var regions: [RegionReport]?
    }
    let decoder = Snapshot.makeDecoder()
    let header: Header
    do {
      // Read from the outline: decoding the whole snapshot twice was a third of a merge.
      header = try decoder.decode(Header.self, from: Data(try Snapshot.outline(of: bytes)))
    } catch {
      return .unusable("\(path) is not a failover-report snapshot: \(describe(error))")
    }
    guard header.format <= Snapshot.currentFormat else {
      return .unusable(
        "\(path) was made by an incompatible version (\(header.generator ?? "unknown program"), snapshot format \(header.format); this one reads format \(Snapshot.currentFormat)): upgrade failover-report where merge runs"
      )
    }
    guard header.regions == nil else {
      return .unusable(
        "\(path) is itself a merged snapshot: give merge the regional snapshots it was made from")
    }
    do {
      return .snapshot(try Snapshot.decoded(fromJSON: bytes), digest: digest)
    } catch {
      return .unusable("\(path) is not a snapshot this version reads: \(describe(error))")
    }
  }

  /// Compares the file with the `sha256sum` line beside it, when there is one. A snapshot
  /// copied between sites by hand or by rsync can arrive cut short; the page must not show it.
  static func checkSidecar(of path: String, digest: String) -> String? {
    let sidecar = path + ".sha256"
    guard let data = FileManager.default.contents(atPath: sidecar) else { return nil }
    let text = String(decoding: data.prefix(4096), as: UTF8.self)
    let expected = text.prefix { !$0.isWhitespace }.lowercased()
    guard expected.count == 64, expected.allSatisfy(\.isHexDigit) else {
      return "\(sidecar) is not a sha256sum line (64 hexadecimal digits, then the file name)"
    }
    guard expected == digest else {
      return
        "\(path) does not match its digest in \(sidecar) (expected \(expected.prefix(12))…, the file has \(digest.prefix(12))…): it changed after it was published, or was copied only in part"
    }
    return nil
  }

  /// One line, at most 160 characters: it goes into a table cell and a status line.
  static func describe(_ error: any Error) -> String {
    CollectionFailure.oneLine(DecodingErrorText.describe(error), limit: 160)
  }
}

/// Why `merge` cannot publish at all (as opposed to a region it shows as a problem).
public enum MergeError: Error, Equatable, CustomStringConvertible {
  case badRegionArgument(String, String)
  case duplicateRegion(String)
  /// One appliance name in two regions: (name, first region, its file, second region, its file).
  case duplicateAppliance(String, String, String, String, String)

  public var description: String {
    switch self {
    case .badRegionArgument(let argument, let expected):
      return "--region \(argument): \(expected)"
    case .duplicateRegion(let name):
      return "the region \(name) is given twice; give each region once, with its own name"
    case .duplicateAppliance(let name, let first, let firstFile, let second, let secondFile):
      return
        "the appliance \(name) is in region \(first) (\(firstFile)) and in region \(second) (\(secondFile)): one appliance must be polled by one region only; remove it from one of the two inventories"
    }
  }
}
