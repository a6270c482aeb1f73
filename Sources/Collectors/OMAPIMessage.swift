/// One message of ISC's OMAPI protocol (dhcpd's control channel), as it travels on the wire.
///
/// All integers are big-endian. A 24-byte header (`authid`, `authlen`, `op`, `handle`, `id`,
/// `rid`), then the message's values and the object's values — each a u16 name length, the
/// name, a u32 value length and the value, each list closed by a u16 zero — then `authlen`
/// bytes of signature.
public struct OMAPIMessage: Sendable, Equatable {
  /// The operations of `omapip/protocol.c`.
  public enum Operation: UInt32, Sendable {
    case open = 1
    case refresh = 2
    case update = 3
    case notify = 4
    case status = 5
    case delete = 6
  }

  public var authID: UInt32 = 0
  public var operation: UInt32
  public var handle: UInt32 = 0
  public var id: UInt32
  public var responseTo: UInt32 = 0
  public var messageValues: [(name: String, value: [UInt8])]
  public var objectValues: [(name: String, value: [UInt8])]
  public var signature: [UInt8] = []

  /// The introduction each side sends right after connecting: protocol version 100, header
  /// size 24.
  public static let introduction: [UInt8] = [0, 0, 0, 100, 0, 0, 0, 24]
  static let headerSize = 24

  /// Limits that keep a hostile peer from making the reader allocate without bound: dhcpd's
  /// largest value is a 32-byte bitmap, its largest message well under a kilobyte.
  static let maximumNameLength = 1024
  static let maximumValueLength = 64 * 1024
  static let maximumValueCount = 256

  public init(
    operation: Operation, id: UInt32, messageValues: [(name: String, value: [UInt8])],
    objectValues: [(name: String, value: [UInt8])]
  ) {
    self.operation = operation.rawValue
    self.id = id
    self.messageValues = messageValues
    self.objectValues = objectValues
  }

  public static func == (lhs: OMAPIMessage, rhs: OMAPIMessage) -> Bool {
    lhs.authID == rhs.authID && lhs.operation == rhs.operation && lhs.handle == rhs.handle
      && lhs.id == rhs.id && lhs.responseTo == rhs.responseTo
      && lhs.messageValues.elementsEqual(rhs.messageValues) { $0 == $1 }
      && lhs.objectValues.elementsEqual(rhs.objectValues) { $0 == $1 }
      && lhs.signature == rhs.signature
  }

  /// An object or message value by name.
  public func value(_ name: String, inMessage: Bool = false) -> [UInt8]? {
    (inMessage ? messageValues : objectValues).last { $0.name == name }?.value
  }

  /// A value read as a big-endian unsigned integer of 1 to 4 bytes.
  public func number(_ name: String, inMessage: Bool = false) -> UInt32? {
    guard let bytes = value(name, inMessage: inMessage), (1...4).contains(bytes.count) else {
      return nil
    }
    return bytes.reduce(0) { $0 << 8 | UInt32($1) }
  }

  public func text(_ name: String, inMessage: Bool = false) -> String? {
    value(name, inMessage: inMessage).map { String(decoding: $0, as: UTF8.self) }
  }

  // MARK: - Encoding

  /// The bytes a signature covers: everything from `authlen` to the end of the object
  /// values, with `authlen` set to `signatureLength`.
  public func signedBytes(signatureLength: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    Self.append(UInt32(signatureLength), to: &bytes)
    for field in [operation, handle, id, responseTo] { Self.append(field, to: &bytes) }
    for list in [messageValues, objectValues] {
      for (name, value) in list {
        let nameBytes = Array(name.utf8)
        Self.append(UInt16(nameBytes.count), to: &bytes)
        bytes += nameBytes
        Self.append(UInt32(value.count), to: &bytes)
        bytes += value
      }
      Self.append(UInt16(0), to: &bytes)
    }
    return bytes
  }

  public func encoded() -> [UInt8] {
    var bytes: [UInt8] = []
    Self.append(authID, to: &bytes)
    return bytes + signedBytes(signatureLength: signature.count) + signature
  }

  static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
  }

  // MARK: - Decoding

  /// Why bytes are not an OMAPI message.
  public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
  }

  /// Decodes the message at the start of `bytes`: the message and how many bytes it took, or
  /// nil when more bytes are needed. Throws when the bytes cannot be a message, including a
  /// length beyond the limits (so a peer cannot make the reader wait for gigabytes).
  public static func decode(_ bytes: ArraySlice<UInt8>) throws(DecodingError) -> (
    OMAPIMessage, Int
  )? {
    var reader = Reader(bytes: bytes)
    guard let authID = reader.u32(), let authLength = reader.u32(), let operation = reader.u32(),
      let handle = reader.u32(), let id = reader.u32(), let responseTo = reader.u32()
    else { return nil }
    guard authLength <= 1024 else {
      throw DecodingError(description: "a signature of \(authLength) bytes is beyond any HMAC")
    }
    var lists: [[(name: String, value: [UInt8])]] = []
    for _ in 0..<2 {
      var list: [(name: String, value: [UInt8])] = []
      while true {
        guard let nameLength = reader.u16() else { return nil }
        if nameLength == 0 { break }
        guard Int(nameLength) <= maximumNameLength else {
          throw DecodingError(description: "a value name of \(nameLength) bytes")
        }
        guard list.count < maximumValueCount else {
          throw DecodingError(description: "more than \(maximumValueCount) values in one list")
        }
        guard let name = reader.take(Int(nameLength)), let valueLength = reader.u32() else {
          return nil
        }
        guard valueLength <= maximumValueLength else {
          throw DecodingError(
            description:
              "a value of \(valueLength) bytes for '\(String(decoding: name, as: UTF8.self))'")
        }
        guard let value = reader.take(Int(valueLength)) else { return nil }
        list.append((String(decoding: name, as: UTF8.self), value))
      }
      lists.append(list)
    }
    guard let signature = reader.take(Int(authLength)) else { return nil }
    var message = OMAPIMessage(
      operation: .open, id: id, messageValues: lists[0], objectValues: lists[1])
    message.operation = operation
    message.authID = authID
    message.handle = handle
    message.responseTo = responseTo
    message.signature = signature
    return (message, reader.offset)
  }

  /// Reads big-endian fields from the front of a byte slice; nil when the bytes run out.
  private struct Reader {
    let bytes: ArraySlice<UInt8>
    var offset = 0

    mutating func take(_ count: Int) -> [UInt8]? {
      guard count >= 0, bytes.count - offset >= count else { return nil }
      let start = bytes.startIndex + offset
      offset += count
      return Array(bytes[start..<(start + count)])
    }

    mutating func u16() -> UInt16? {
      take(2).map { UInt16($0[0]) << 8 | UInt16($0[1]) }
    }

    mutating func u32() -> UInt32? {
      take(4).map { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }
  }
}
