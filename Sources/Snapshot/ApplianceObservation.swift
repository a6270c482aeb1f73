import Foundation

/// What one appliance answered in one run, or why it did not.
public struct ApplianceObservation: Codable, Sendable, Equatable {
  /// The inventory name, unique in the inventory.
  public var name: String
  public var kind: ApplianceKind
  /// Free grouping label from the inventory.
  public var site: String?
  /// In a merged snapshot: the region whose run asked it.
  public var region: String? = nil
  /// Where it was asked, with any user information removed.
  public var endpoint: String
  /// For a Kea Control Agent: the service asked (`dhcp4`, `dhcp6`). For a daemon's own socket,
  /// asked without one: the daemon its `config-get` shows (nil when that went unanswered).
  public var service: String?
  /// When the request was sent (UTC).
  public var askedAt: Date
  /// How long the appliance took to answer, or to fail, in milliseconds.
  public var durationMilliseconds: Int
  /// Why no usable answer came; nil when the appliance answered.
  public var failure: CollectionFailure?
  /// What a Kea server said of its HA relationships.
  public var kea: KeaStatus?
  /// Failover-protocol peers (dhcpd, EdgeConnect).
  public var failoverPeers: [FailoverPeerStatus]?
  /// The answers as received, secrets redacted and size-capped, as evidence.
  public var exchanges: [RawExchange]
  /// Follow-up questions that went unanswered while the main one was answered; nil when none
  /// did (and in snapshots from before this was kept).
  public var unanswered: [UnansweredCommand]?
  /// Which HA server(s) it is, when known other than from its own answer in this run (nil
  /// when nothing but its answer says, and in snapshots from before this was kept).
  public var identity: ApplianceIdentity? = nil

  public init(
    name: String, kind: ApplianceKind, site: String?, endpoint: String, service: String?,
    askedAt: Date, durationMilliseconds: Int, failure: CollectionFailure? = nil,
    kea: KeaStatus? = nil, failoverPeers: [FailoverPeerStatus]? = nil,
    exchanges: [RawExchange] = [], unanswered: [UnansweredCommand]? = nil
  ) {
    self.name = name
    self.kind = kind
    self.site = site
    self.endpoint = endpoint
    self.service = service
    self.askedAt = askedAt
    self.durationMilliseconds = durationMilliseconds
    self.failure = failure
    self.kea = kea
    self.failoverPeers = failoverPeers
    self.exchanges = exchanges
    self.unanswered = unanswered
  }
}

/// Why an appliance gave no usable answer, sorted into kinds an operator acts on differently.
public struct CollectionFailure: Error, Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable, CaseIterable {
    /// No answer within the timeout.
    case timeout
    /// Nothing listens there (connection refused), or the host cannot be reached.
    case unreachable
    /// TLS handshake or certificate problem.
    case tls
    /// The credentials were refused (HTTP 401/403).
    case unauthorized
    /// An HTTP status other than 200.
    case httpStatus
    /// The body was not the JSON expected.
    case malformed
    /// The body was larger than the cap.
    case tooLarge
    /// The appliance answered with a non-zero result code.
    case commandFailed
    /// The appliance answered, but has no HA relationship configured.
    case notConfigured
    /// The inventory entry cannot be used (a missing secret, an unreadable file).
    case configuration
  }

  public var kind: Kind
  /// One line an operator can act on.
  public var message: String

  /// The message is kept to one line of at most 300 characters: it may quote an appliance,
  /// and what an appliance says must not break a table cell, a log line or a status line.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = Self.oneLine(message, limit: 300)
  }

  /// Text on one line (runs of white space and control characters made one space), cut at
  /// `limit` characters with an ellipsis.
  public static func oneLine(_ text: String, limit: Int) -> String {
    var line = ""
    var lastWasSpace = false
    for character in text {
      let isSpace =
        character.isWhitespace
        || character.unicodeScalars.contains {
          $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
        }
      if isSpace {
        if !lastWasSpace { line.append(" ") }
      } else {
        line.append(character)
      }
      lastWasSpace = isSpace
    }
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.count <= limit ? trimmed : String(trimmed.prefix(limit - 1)) + "…"
  }
}

/// One request and its answer, kept as evidence.
public struct RawExchange: Codable, Sendable, Equatable {
  /// The command sent (`status-get`, `config-get`, ...).
  public var command: String
  /// The HTTP status, when there was one.
  public var httpStatus: Int?
  /// The body, redacted and cut at a size cap.
  public var body: String
  /// Whether `body` was cut.
  public var truncated: Bool

  public init(command: String, httpStatus: Int?, body: String, truncated: Bool) {
    self.command = command
    self.httpStatus = httpStatus
    self.body = body
    self.truncated = truncated
  }
}
