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
      try bytes.withUnsafeBytes { buffer in
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
      guard rename(temporary, path) == 0 else {
        throw PublishError.io("cannot rename onto \(path)", errno)
      }
    } catch {
      unlink(temporary)
      throw error
    }
    syncFolder(folder)
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

  public var description: String {
    switch self {
    case .io(let what, let code): return "\(what): \(String(cString: strerror(code)))"
    case .locked(let what): return what
    }
  }
}
