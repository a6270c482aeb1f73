import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on an output folder, so overlapping runs (a slow run and the next cron
/// tick) never write at the same time. The kernel releases it if the process dies.
public final class PublishLock {
  private let descriptor: Int32

  /// Waits up to `timeout` seconds for the lock on `folder`.
  public init(folder: String, timeout: Double) throws {
    let path = folder + "/.failover-report.lock"
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw PublishError.io("cannot open the lock file \(path)", errno) }
    let deadline = Date().addingTimeInterval(timeout)
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
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
