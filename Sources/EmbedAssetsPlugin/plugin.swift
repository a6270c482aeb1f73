import Foundation
import PackagePlugin

/// Embeds `Templates/` and `Public/` into the module that applies it, so the binary finds its
/// own templates from any working directory (cron runs in `$HOME`).
@main
struct EmbedAssets: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let root = context.package.directoryURL
    let folders = ["Templates", "Public"].map { root.appending(path: $0) }
    var inputs: [URL] = []
    for folder in folders {
      let names = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
      for name in names.sorted() {
        let url = folder.appending(path: name)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
          !isDirectory.boolValue
        {
          inputs.append(url)
        }
      }
    }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedAssets.swift")
    return [
      .buildCommand(
        displayName: "Embedding Templates/ and Public/",
        executable: try context.tool(named: "EmbedAssetsTool").url,
        arguments: [output.path] + folders.map(\.path),
        inputFiles: inputs,
        outputFiles: [output]
      )
    ]
  }
}
