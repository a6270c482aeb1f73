/// A length of time as the page and its findings write it: "45 s", "5 min", "1 h 2 min",
/// "12 d 4 h". Precise where it is short, rounded down where only the order matters.
public enum ElapsedText {
  public static func of(_ seconds: Int) -> String {
    if seconds < 120 { return "\(seconds) s" }
    if seconds < 172_800 {
      if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
      if seconds % 60 == 0 { return "\(seconds / 60) min" }
      if seconds < 7200 { return "\(seconds / 60) min \(seconds % 60) s" }
      return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }
    if seconds % 86_400 == 0 { return "\(seconds / 86400) d" }
    return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
  }
}
