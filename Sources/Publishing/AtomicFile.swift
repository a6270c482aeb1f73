import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files so that readers see either the old bytes or the new, never a mix: a temporary
/// file in the same folder, fsync, rename over the target, fsync the folder.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
    try stage(bytes, for: path, mode: mode).commit()
  }

  /// A file written in full and flushed to disk under a temporary name beside its target,
  /// not yet in place: `commit()` renames it over the target, `discard()` removes it. A run
  /// killed in between leaves only the temporary file, which `Publisher.removeLeftovers()`
  /// sweeps.
  public struct Staged: Sendable {
    public let path: String
    let temporary: String

    /// Puts the file in place, durably.
    public func commit() throws {
      guard rename(temporary, path) == 0 else {
        let code = errno
        unlink(temporary)
        throw PublishError.io("cannot rename onto \(path)", code)
      }
      AtomicFile.syncFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    public func discard() { unlink(temporary) }
  }

  /// Writes `bytes` for `path` and flushes them, without replacing `path` yet.
  public static func stage(_ bytes: [UInt8], for path: String, mode: mode_t = 0o644) throws
    -> Staged
  {
    try stage(for: path, mode: mode) { write in try bytes.withUnsafeBytes(write) }
  }

  /// A file staged for `path` from what `contents` hands to the `write` it is given, piece by
  /// piece (a page still being rendered), flushed once `contents` returns. If `contents` or a
  /// write throws, nothing is left behind.
  public static func stage(
    for path: String, mode: mode_t = 0o644,
    contents: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws -> Staged {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary =
      folder + "/." + url.lastPathComponent
      + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw PublishError.io("cannot create \(temporary)", errno) }
    var closed = false
    defer {
      if !closed { close(descriptor) }
    }
    do {
      try contents { buffer in
        var offset = 0
        while offset < buffer.count {
          let written = Glibc.write(
            descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            throw PublishError.io("cannot write \(temporary)", errno)
          }
          offset += written
        }
      }
      guard fsync(descriptor) == 0 else {
        throw PublishError.io("cannot fsync \(temporary)", errno)
      }
      close(descriptor)
      closed = true
    } catch {
      unlink(temporary)
      throw error
    }
    return Staged(path: path, temporary: temporary)
  }

  /// Makes a rename durable: the folder's entry must reach the disk too.
  static func syncFolder(_ folder: String) {
    let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }
}

/// Why publishing failed.
public enum PublishError: Error, Sendable, CustomStringConvertible {
  case io(String, Int32)
  case locked(String)
  /// The page's renderer gave up part of the way; what it wrote is not published.
  case incomplete(String)

  public var description: String {
    switch self {
    case .io(let what, let code): return "\(what): \(String(cString: strerror(code)))"
    case .locked(let what), .incomplete(let what): return what
    }
  }
}
