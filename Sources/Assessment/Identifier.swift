/// Ids that are valid XML names (and HTML ids) and stable between runs: a prefix, then the
/// parts in lower case with every run of other characters turned into one hyphen.
public enum Identifier {
  public static func make(prefix: String, _ parts: String...) -> String {
    let text = parts.filter { !$0.isEmpty }.joined(separator: "-").lowercased()
    var result = prefix + "-"
    for scalar in text.unicodeScalars {
      if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
        result.unicodeScalars.append(scalar)
      } else if result.last != "-" {
        result.append("-")
      }
    }
    while result.hasSuffix("-") { result.removeLast() }
    return result
  }
}
