import Crypto
import Foundation
import Snapshot

/// Publishes a validated page and its snapshot into an output folder.
public struct Publisher: Sendable {
  public var folder: String

  public init(folder: String) {
    self.folder = folder
  }

  /// Creates the folder if needed.
  public func prepare() throws {
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw PublishError.io("cannot create the output folder \(folder)", EACCES)
    }
  }

  /// Writes `snapshot.json` and `snapshot.json.sha256`, then `index.html` and
  /// `index.html.sha256`, each atomically. The page goes last so that a reader never sees a
  /// page older than its snapshot. The snapshot's digest is what `merge` checks a regional
  /// snapshot against; a reader that comes between the two writes sees a mismatch and says so.
  public func publish(page: [UInt8], snapshot: [UInt8]) throws {
    try AtomicFile.write(snapshot, to: folder + "/snapshot.json")
    try AtomicFile.write(
      Array(Self.sha256Line(snapshot, name: "snapshot.json").utf8),
      to: folder + "/snapshot.json.sha256")
    try AtomicFile.write(page, to: folder + "/index.html")
    try AtomicFile.write(
      Array(Self.sha256Line(page, name: "index.html").utf8), to: folder + "/index.html.sha256")
    try? FileManager.default.removeItem(atPath: folder + "/index.html.rejected")
  }

  /// Removes temporary files that a run killed mid-write left behind (`.index.html.tmp-…`).
  /// Call it while holding the folder's lock: then no other run is writing them.
  public func removeLeftovers() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
      try? FileManager.default.removeItem(atPath: folder + "/" + name)
    }
  }

  /// Keeps a page that failed validation beside the published one, for the operator to read.
  public func reject(page: [UInt8]) throws {
    try AtomicFile.write(page, to: folder + "/index.html.rejected")
  }

  /// A line in `sha256sum` format.
  public static func sha256Line(_ bytes: [UInt8], name: String) -> String {
    hex(bytes) + "  " + name + "\n"
  }

  /// The SHA-256 of `bytes`, in hexadecimal.
  public static func hex(_ bytes: [UInt8]) -> String {
    Hexadecimal.of(SHA256.hash(data: bytes))
  }
}
