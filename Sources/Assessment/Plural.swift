/// Counted nouns in English: "1 appliance", "2 appliances".
public enum Plural {
  public static func count(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
  }
}
