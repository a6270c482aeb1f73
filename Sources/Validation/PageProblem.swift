/// One reason a page may not be published, with where it is.
public struct PageProblem: Sendable, Equatable, CustomStringConvertible {
  /// 1-based; 0 when the problem has no single place.
  public var line: Int
  public var column: Int
  public var message: String

  public init(line: Int, column: Int, message: String) {
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String { "\(line):\(column): \(message)" }
}
