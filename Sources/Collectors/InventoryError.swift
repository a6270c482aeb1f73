/// One mistake in the inventory, with where it is and what was expected there.
public struct InventoryProblem: Error, Sendable, Equatable, CustomStringConvertible {
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

  /// The same problem with libyaml's line and column turned into the editor's.
  func atEditorPosition(in text: String) -> InventoryProblem {
    let position = EditorPosition(yamlLine: line, yamlColumn: column, in: text)
    var problem = self
    problem.line = position.line
    problem.column = position.column
    return problem
  }
}

/// Every mistake found in one reading of the inventory, in the order of the file, so one
/// run of `check` shows them all instead of one per attempt.
public struct InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
  /// At least one.
  public var problems: [InventoryProblem]

  public init(_ problems: [InventoryProblem]) {
    self.problems = problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
  }

  /// One line per problem.
  public var description: String { problems.map(\.description).joined(separator: "\n") }
}
