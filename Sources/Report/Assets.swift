import Foundation
import Templating

/// The templates and static files a page is made from: the copies built into the binary, or
/// an operator's own folders (`--templates`, `--public`).
public struct Assets: Sendable {
  /// File contents keyed by path relative to their folder (`page.mustache`, `style.css`).
  public var templates: [String: [UInt8]]
  public var publicFiles: [String: [UInt8]]

  public init(templates: [String: [UInt8]], publicFiles: [String: [UInt8]]) {
    self.templates = templates
    self.publicFiles = publicFiles
  }

  /// The copies embedded at build time.
  public static let embedded: Assets = {
    var templates: [String: [UInt8]] = [:]
    var publicFiles: [String: [UInt8]] = [:]
    for (key, base64) in EmbeddedAssets.base64 {
      guard let data = Data(base64Encoded: base64) else { continue }
      if key.hasPrefix("Templates/") {
        templates[String(key.dropFirst("Templates/".count))] = Array(data)
      } else if key.hasPrefix("Public/") {
        publicFiles[String(key.dropFirst("Public/".count))] = Array(data)
      }
    }
    return Assets(templates: templates, publicFiles: publicFiles)
  }()

  /// The embedded assets with any file found in the given folders put in their place.
  public static func load(templatesFolder: String?, publicFolder: String?) throws -> Assets {
    var assets = embedded
    if let templatesFolder {
      assets.templates.merge(try readFolder(templatesFolder)) { _, new in new }
    }
    if let publicFolder { assets.publicFiles.merge(try readFolder(publicFolder)) { _, new in new } }
    return assets
  }

  private static func readFolder(_ path: String) throws -> [String: [UInt8]] {
    let folder = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ReportError("the folder \(path) does not exist")
    }
    var files: [String: [UInt8]] = [:]
    for name in (try FileManager.default.subpathsOfDirectory(atPath: path)).sorted()
    where !name.hasPrefix(".") {
      let url = folder.appendingPathComponent(name)
      if let data = FileManager.default.contents(atPath: url.path) { files[name] = Array(data) }
    }
    return files
  }

  /// A template library over the `.mustache` files, named without the extension.
  public func library() -> TemplateLibrary {
    let sources = templates
    return TemplateLibrary { name in
      sources[name + ".mustache"].map { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// A text file from `Templates/` or `Public/`.
  public func text(template name: String) throws -> String {
    guard let bytes = templates[name] else {
      throw ReportError("the template file \(name) is missing")
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public func text(public name: String) throws -> String {
    guard let bytes = publicFiles[name] else {
      throw ReportError("the asset Public/\(name) is missing")
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// A problem making the report (a missing or broken template or asset).
public struct ReportError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
