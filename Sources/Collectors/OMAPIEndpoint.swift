/// Where dhcpd's OMAPI listens, as the inventory's `omapi:` writes it: `host:port` or
/// `[v6]:port`.
struct OMAPIEndpoint: Sendable, Equatable {
  var host: String
  var port: Int

  init?(_ address: String) {
    guard let colon = address.lastIndex(of: ":"),
      let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
    else { return nil }
    var host = String(address[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty else { return nil }
    self.host = host
    self.port = port
  }
}
