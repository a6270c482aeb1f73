import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The places a run writes, made ready before anything is published: each folder is created
/// when missing and checked for writing, so a mistake in a path stops the run while the
/// published page, the archive and the side outputs are all still as they were.
public enum OutputFolders {
  /// One place a run writes: the flag that named it and the folder it lands in.
  public struct Target: Sendable, Equatable {
    /// How the operator named it, for messages: `--metrics /var/lib/node_exporter/x.prom`.
    public var label: String
    public var folder: String
    /// A file the run replaces, which must not be a folder; nil for a folder target.
    public var file: String?

    /// A file target: it lands in the folder that holds `path`.
    public static func file(_ path: String, flag: String) -> Target {
      let url = URL(fileURLWithPath: path)
      return Target(
        label: "\(flag) \(path)", folder: url.deletingLastPathComponent().path, file: url.path)
    }

    /// A folder target: the folder itself.
    public static func folder(_ path: String, flag: String) -> Target {
      Target(label: "\(flag) \(path)", folder: path, file: nil)
    }
  }

  /// Creates each target's folder when missing and checks that the run can write there.
  /// Returns one sentence per target that cannot be written, empty when all can.
  public static func prepare(_ targets: [Target]) -> [String] {
    var problems: [String] = []
    for target in targets {
      if let problem = problem(with: target) { problems.append("\(target.label): \(problem)") }
    }
    return problems
  }

  private static func problem(with target: Target) -> String? {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: target.folder, isDirectory: &isFolder) {
      guard isFolder.boolValue else { return "\(target.folder) is a file, not a folder" }
    } else {
      do {
        try FileManager.default.createDirectory(
          atPath: target.folder, withIntermediateDirectories: true)
      } catch {
        return "the folder \(target.folder) cannot be created (\(reason(error)))"
      }
    }
    // The files are written beside their targets and renamed over them, so the folder
    // itself must take new files.
    guard access(target.folder, W_OK | X_OK) == 0 else {
      return "the folder \(target.folder) cannot be written (\(String(cString: strerror(errno))))"
    }
    if let file = target.file {
      var fileIsFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: file, isDirectory: &fileIsFolder),
        fileIsFolder.boolValue
      {
        return "\(file) is a folder; name a file"
      }
    }
    return nil
  }

  /// The system's words for why a folder could not be made ("Permission denied").
  private static func reason(_ error: Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(code)))
    }
    return error.localizedDescription
  }
}
