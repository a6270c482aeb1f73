/// A mistake in the inventory, with where it is and what was expected there.
public struct InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int
  /// Where in the document, as `appliances[3].kind`; empty for the whole document.
  public var path: String
  public var message: String

  public init(file: String, line: Int, column: Int, path: String, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.path = path
    self.message = message
  }

  public var description: String {
    path.isEmpty
      ? "\(file):\(line):\(column): \(message)" : "\(file):\(line):\(column): \(path): \(message)"
  }
}

extension InventoryError {
  /// The same error with libyaml's line and column turned into the editor's.
  func atEditorPosition(in text: String) -> InventoryError {
    let position = EditorPosition(yamlLine: line, yamlColumn: column, in: text)
    var error = self
    error.line = position.line
    error.column = position.column
    return error
  }
}
