/// The speed-of-light reference: straight-line code that appends the same page into one byte
/// buffer with a byte-scanning escaper. Not an engine; it shows what producing these bytes costs.
struct HandwrittenWriter {
  let data: ReportData

  func render() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(1024 + data.servers.count * 640)
    func raw(_ text: StaticString) {
      out.append(
        contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
    func escaped(_ text: String) {
      for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "&"): raw("&amp;")
        case UInt8(ascii: "<"): raw("&lt;")
        case UInt8(ascii: ">"): raw("&gt;")
        case UInt8(ascii: "\""): raw("&quot;")
        case UInt8(ascii: "'"): raw("&#39;")
        default: out.append(byte)
        }
      }
    }
    func number(_ value: Int) { out.append(contentsOf: String(value).utf8) }
    raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
    escaped(data.title)
    raw(
      "</title>\n<style>\nbody { font-family: sans-serif; }\ntable { border-collapse: collapse; }\ntd, th { padding: 2px 6px; border: 1px solid #ccc; }\n</style>\n</head>\n<body>\n<header>\n  <h1>"
    )
    escaped(data.title)
    raw("</h1>\n  <p class=\"meta\">Generated ")
    escaped(data.generatedAt)
    raw(" by ")
    escaped(data.generator)
    raw(
      "</p>\n</header>\n<section class=\"summary\">\n  <h2>Summary</h2>\n  <ul>\n    <li>Servers: ")
    number(data.total)
    raw("</li>\n    <li>Healthy: ")
    number(data.healthy)
    raw("</li>\n    <li>Degraded: ")
    number(data.degraded)
    raw("</li>\n    <li>Down: ")
    number(data.down)
    raw("</li>\n  </ul>\n")
    if let note = data.note, !note.isEmpty {
      raw("  <p class=\"note\">")
      escaped(note)
      raw("</p>\n")
    }
    raw(
      "</section>\n<table class=\"servers\">\n  <thead>\n    <tr><th>Name</th><th>Address</th><th>Role</th><th>State</th><th>Since</th><th>Partner</th><th>Heartbeat</th><th>Scopes</th><th>Unacked</th><th>Progress</th><th></th></tr>\n  </thead>\n  <tbody>\n"
    )
    for server in data.servers {
      raw("    <tr class=\"state-")
      escaped(server.stateClass)
      raw("\">\n      <td class=\"name\">")
      escaped(server.name)
      raw("</td>\n      <td>")
      escaped(server.address)
      raw("</td>\n      <td>")
      escaped(server.role)
      raw("</td>\n      <td>")
      escaped(server.state)
      raw("</td>\n      <td>")
      escaped(server.stateTime)
      raw("</td>\n      <td>")
      if let partner = server.partnerState, !partner.isEmpty {
        escaped(partner)
      } else {
        raw("<span class=\"missing\">n/a</span>")
      }
      raw("</td>\n      <td>")
      escaped(server.heartbeat)
      raw("</td>\n      <td>")
      if server.scopes.isEmpty {
        raw("<span class=\"missing\">none</span>")
      } else {
        for scope in server.scopes {
          raw("<span class=\"scope\">")
          escaped(scope.cidr)
          raw(" (")
          number(scope.used)
          raw("/")
          number(scope.size)
          raw(")</span>")
        }
      }
      raw("</td>\n      <td>")
      number(server.unackedClients)
      raw("</td>\n      <td><progress value=\"")
      number(server.progress)
      raw("\" max=\"100\">")
      number(server.progress)
      raw("%</progress></td>\n      <td><abbr class=\"help\" title=\"")
      escaped(server.helpText)
      raw("\">?</abbr></td>\n    </tr>\n")
    }
    raw("  </tbody>\n</table>\n<footer>")
    escaped(data.footer)
    raw("</footer>\n</body>\n</html>\n")
    return out
  }
}
