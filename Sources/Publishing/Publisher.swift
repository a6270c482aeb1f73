import Crypto
import Foundation
import Parallelism
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
    try stage(page: page, snapshot: snapshot).commit()
  }

  /// The files of a publication, written and flushed but not yet in place.
  public struct Staged: Sendable {
    /// In the order they go in place: the snapshot and its digest before the page, so that a
    /// reader who finds the new page finds its snapshot.
    let files: [AtomicFile.Staged]
    let folder: String
    /// The page's SHA-256, in hexadecimal, as `index.html.sha256` holds it.
    public let pageDigest: String

    public func commit() throws {
      for (index, file) in files.enumerated() {
        do {
          try file.commit()
        } catch {
          for rest in files[(index + 1)...] { rest.discard() }
          throw error
        }
      }
      try? FileManager.default.removeItem(atPath: folder + "/index.html.rejected")
    }

    /// For a page that failed the gate: nothing is published.
    public func discard() { for file in files { file.discard() } }
  }

  /// Writes, flushes and hashes everything a publication needs, so that it can be done while
  /// the page is still being validated: the slow part of publishing a large page, off the
  /// critical path. Nothing replaces a published file until `commit()`.
  public func stage(page: [UInt8], snapshot: [UInt8]) throws -> Staged {
    try stage(page: ByteStream(page), snapshot: snapshot)
  }

  /// As `stage(page:snapshot:)`, with the page written and hashed as it is rendered into
  /// `page`; the snapshot's files are written first, while the page is still on its way.
  public func stage(page: ByteStream, snapshot: [UInt8]) throws -> Staged {
    var files: [AtomicFile.Staged] = []
    let pageDigest: String
    do {
      files.append(try AtomicFile.stage(snapshot, for: folder + "/snapshot.json"))
      files.append(
        try AtomicFile.stage(
          Array(Self.sha256Line(snapshot, name: "snapshot.json").utf8),
          for: folder + "/snapshot.json.sha256"))
      var digest = SHA256()
      files.append(
        try AtomicFile.stage(for: folder + "/index.html") { write in
          var reader = page.makeReader()
          while let segment = reader.nextSegment() {
            try segment.withUnsafeBytes { bytes in
              digest.update(bufferPointer: bytes)
              try write(bytes)
            }
          }
          guard page.waitForEnding() == .finished else {
            throw PublishError.incomplete(
              "the page was not rendered in full; nothing was published")
          }
        })
      let pageHash = digest.finalize()
      pageDigest = Hexadecimal.of(pageHash)
      files.append(
        try AtomicFile.stage(
          Array(Self.sha256Line(digest: pageHash, name: "index.html").utf8),
          for: folder + "/index.html.sha256"))
    } catch {
      for file in files { file.discard() }
      throw error
    }
    return Staged(files: files, folder: folder, pageDigest: pageDigest)
  }

  /// Removes temporary files that a run killed mid-write left behind (`.index.html.tmp-…`).
  /// Call it while holding the folder's lock: then no other run is writing them.
  public func removeLeftovers() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    for name in names
    where (name.hasPrefix(".") && name.contains(".tmp-")) || name == PublishLock.formerLockFile {
      try? FileManager.default.removeItem(atPath: folder + "/" + name)
    }
  }

  /// Keeps a page that failed validation beside the published one, for the operator to read.
  public func reject(page: [UInt8]) throws {
    try AtomicFile.write(page, to: folder + "/index.html.rejected")
  }

  /// A line in `sha256sum` format.
  public static func sha256Line(_ bytes: [UInt8], name: String) -> String {
    sha256Line(digest: SHA256.hash(data: bytes), name: name)
  }

  static func sha256Line(digest: SHA256.Digest, name: String) -> String {
    Hexadecimal.of(digest) + "  " + name + "\n"
  }

  /// The SHA-256 of `bytes`, in hexadecimal.
  public static func hex(_ bytes: [UInt8]) -> String {
    Hexadecimal.of(SHA256.hash(data: bytes))
  }
}
