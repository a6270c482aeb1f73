import Foundation

/// A JSON text written straight into bytes, in exactly the form Foundation's `JSONEncoder`
/// gives with `.sortedKeys` and `.withoutEscapingSlashes`: no spaces, `"` and `\` escaped,
/// control characters as `\b \t \n \f \r` or `\u00xx` (lower-case hex), everything else,
/// `/` and non-ASCII included, as it is.
///
/// The caller writes an object's members in sorted order; a comma goes before every member
/// and element that does not follow its opening bracket.
struct JSONBytes {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 0) {
    bytes.reserveCapacity(capacity)
  }

  mutating func object(_ members: (inout JSONBytes) -> Void) {
    bytes.append(UInt8(ascii: "{"))
    members(&self)
    bytes.append(UInt8(ascii: "}"))
  }

  mutating func array<Element>(
    _ elements: some Sequence<Element>, _ write: (inout JSONBytes, Element) -> Void
  ) {
    bytes.append(UInt8(ascii: "["))
    for element in elements {
      separate(after: UInt8(ascii: "["))
      write(&self, element)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// Writes `"key":`; the member's value must follow. Keys are the snapshot's property
  /// names: plain ASCII that needs no escaping.
  mutating func key(_ key: StaticString) {
    separate(after: UInt8(ascii: "{"))
    bytes.append(UInt8(ascii: "\""))
    append(key)
    append(#"":"#)
  }

  private mutating func append(_ text: StaticString) {
    bytes.append(
      contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// A comma unless this is the first member or element: a value never ends in `{` or `[`.
  private mutating func separate(after opening: UInt8) {
    if let last = bytes.last, last != opening { bytes.append(UInt8(ascii: ",")) }
  }

  mutating func string(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { utf8 in
      var runStart = 0
      for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
        if position > runStart {
          bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
        }
        appendEscape(byte)
        runStart = position + 1
      }
      if utf8.count > runStart {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  private mutating func appendEscape(_ byte: UInt8) {
    switch byte {
    case 0x22: append(#"\""#)
    case 0x5C: append(#"\\"#)
    case 0x08: append(#"\b"#)
    case 0x09: append(#"\t"#)
    case 0x0A: append(#"\n"#)
    case 0x0C: append(#"\f"#)
    case 0x0D: append(#"\r"#)
    default:
      // Only bytes below 0x20 come here: `\u00` and two lower-case hex digits.
      let low = byte & 0x0F
      append(#"\u00"#)
      bytes.append(UInt8(ascii: "0") + byte >> 4)
      bytes.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
    }
  }

  /// The decimal digits, written in place without making a `String`.
  mutating func int(_ value: Int) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var width = 1
    var power: UInt = 10
    // Int's largest magnitude, 2^63, has 19 digits, so `power` never passes 10^19.
    while width < 19 && magnitude >= power {
      width += 1
      power *= 10
    }
    var index = bytes.count + width - 1
    bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
    repeat {
      bytes[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
      magnitude /= 10
      index -= 1
    } while magnitude > 0
  }

  mutating func bool(_ value: Bool) {
    append(value ? "true" : "false")
  }

  mutating func strings(_ values: [String]) {
    array(values) { json, value in json.string(value) }
  }

  /// A member that Foundation's encoder leaves out when the value is nil.
  mutating func optional<Value>(
    _ key: StaticString, _ value: Value?, _ write: (inout JSONBytes, Value) -> Void
  ) {
    guard let value else { return }
    self.key(key)
    write(&self, value)
  }

  /// Dates as the snapshot writes them: UTC to the second (`Timestamp.iso`).
  mutating func date(_ value: Date) {
    string(Timestamp.iso(value))
  }
}
