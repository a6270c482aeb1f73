import JSONText

/// A decoding error as one sentence a person can act on: where in the JSON (`.appliances[3].kind`)
/// and what was wrong there, instead of Foundation's nested description.
public enum DecodingErrorText {
  public static func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
      DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
        .joined()
      return "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)"
    case let syntax as JSONSyntaxError:
      // Raised by `Snapshot.decoded(fromJSON:)` and `outline(of:)`, which read without Codable.
      return "line \(syntax.line), column \(syntax.column): \(syntax.message)"
    default:
      return error.localizedDescription
    }
  }
}
