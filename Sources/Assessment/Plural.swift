/// Counted nouns in English: "1 appliance", "2 appliances".
public enum Plural {
  public static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
  }
}
