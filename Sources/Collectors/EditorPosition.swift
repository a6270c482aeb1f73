/// A 1-based line and column as an editor or `grep -n` shows them.
///
/// libyaml starts a new line at `\r`, `\n`, `\r\n`, U+0085, U+2028 and U+2029 and may point
/// just past the end of the text; editors start one at `\n` only. An error must point at a
/// place the operator can find, so libyaml's marks are mapped here.
struct EditorPosition: Sendable, Equatable {
  var line: Int
  var column: Int

  /// The editor position of libyaml's 1-based mark in `text`, or the end of the text when the
  /// mark lies beyond it. Columns count Unicode scalars, as libyaml does.
  init(yamlLine: Int, yamlColumn: Int, in text: String) {
    var yaml = (line: 1, column: 1)
    var editor = (line: 1, column: 1)
    var previousWasCarriageReturn = false
    for scalar in text.unicodeScalars {
      if yaml.line > yamlLine || (yaml.line == yamlLine && yaml.column >= yamlColumn) { break }
      switch scalar {
      case "\n":
        // `\r\n` is one break for libyaml; the `\r` already counted it.
        if !previousWasCarriageReturn { yaml = (yaml.line + 1, 1) }
        editor = (editor.line + 1, 1)
      case "\r", "\u{85}", "\u{2028}", "\u{2029}":
        yaml = (yaml.line + 1, 1)
        editor.column += 1
      default:
        yaml.column += 1
        editor.column += 1
      }
      previousWasCarriageReturn = scalar == "\r"
    }
    line = editor.line
    column = editor.column
  }
}
