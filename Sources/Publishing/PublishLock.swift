import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on an output folder, so overlapping runs (a slow run and the next cron
/// tick) never write at the same time. The kernel releases it if the process dies.
///
/// The lock is taken on the folder itself, not on a file in it: the folder is what a web
/// server publishes, and a lock file there would be served beside the page.
public final class PublishLock {
  private let descriptor: Int32

  /// The file earlier versions locked, removed when found (`Publisher.removeLeftovers()`).
  public static let formerLockFile = ".failover-report.lock"

  /// Waits up to `timeout` seconds for the lock on `folder`.
  public init(folder: String, timeout: Double) throws {
    let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw PublishError.io("cannot open the output folder \(folder) to lock it", errno)
    }
    let deadline = Date().addingTimeInterval(timeout)
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let reason = errno
      guard reason == EWOULDBLOCK || reason == EINTR else {
        close(descriptor)
        throw PublishError.io(
          "cannot lock the output folder \(folder) (a file system without flock on folders?)",
          reason)
      }
      guard Date() < deadline else {
        close(descriptor)
        throw PublishError.locked(
          "another failover-report run holds the lock on \(folder) (waited \(Int(timeout)) s); the published page was left as it is"
        )
      }
      usleep(50_000)
    }
    self.descriptor = descriptor
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
