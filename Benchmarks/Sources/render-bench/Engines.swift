import Mustache
import Templating

/// The benchmark's report template (shared/research/mustache.md, appendix).
enum BenchTemplate {
  static let help = #"<abbr class="help" title="{{helpText}}">?</abbr>"#
  static let report = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>{{title}}</title>
    <style>
    body { font-family: sans-serif; }
    table { border-collapse: collapse; }
    td, th { padding: 2px 6px; border: 1px solid #ccc; }
    </style>
    </head>
    <body>
    <header>
      <h1>{{title}}</h1>
      <p class="meta">Generated {{generatedAt}} by {{generator}}</p>
    </header>
    <section class="summary">
      <h2>Summary</h2>
      <ul>
        <li>Servers: {{summary.total}}</li>
        <li>Healthy: {{summary.healthy}}</li>
        <li>Degraded: {{summary.degraded}}</li>
        <li>Down: {{summary.down}}</li>
      </ul>
      {{#summary.note}}
      <p class="note">{{summary.note}}</p>
      {{/summary.note}}
    </section>
    <table class="servers">
      <thead>
        <tr><th>Name</th><th>Address</th><th>Role</th><th>State</th><th>Since</th><th>Partner</th><th>Heartbeat</th><th>Scopes</th><th>Unacked</th><th>Progress</th><th></th></tr>
      </thead>
      <tbody>
        {{#servers}}
        <tr class="state-{{stateClass}}">
          <td class="name">{{name}}</td>
          <td>{{address}}</td>
          <td>{{role}}</td>
          <td>{{state}}</td>
          <td>{{stateTime}}</td>
          <td>{{#partnerState}}{{.}}{{/partnerState}}{{^partnerState}}<span class="missing">n/a</span>{{/partnerState}}</td>
          <td>{{heartbeat}}</td>
          <td>{{#scopes}}<span class="scope">{{cidr}} ({{used}}/{{size}})</span>{{/scopes}}{{^scopes}}<span class="missing">none</span>{{/scopes}}</td>
          <td>{{unackedClients}}</td>
          <td><progress value="{{progress}}" max="100">{{progress}}%</progress></td>
          <td>{{>help}}</td>
        </tr>
        {{/servers}}
      </tbody>
    </table>
    <footer>{{footer}}</footer>
    </body>
    </html>

    """#
}

/// The project's engine: compile once, render many, values as `TemplateValue`.
struct ProjectEngine {
  let template: Template
  let library: TemplateLibrary
  let value: TemplateValue

  init(data: ReportData) throws {
    library = TemplateLibrary(templates: ["help": BenchTemplate.help])
    template = try Template(BenchTemplate.report, name: "report")
    value = Self.value(data)
  }

  func render() throws -> [UInt8] { try template.render(value, library: library) }

  /// On one core, as the hand-written writer runs: what the engine itself costs, without the
  /// threads a long list is rendered on.
  func renderSequentially() throws -> [UInt8] {
    try template.render(value, library: library, options: RenderOptions(concurrentLists: false))
  }

  static func value(_ data: ReportData) -> TemplateValue {
    let servers: [TemplateValue] = data.servers.map { server in
      .object(
        TemplateObject([
          ("name", .string(server.name)), ("address", .string(server.address)),
          ("role", .string(server.role)), ("state", .string(server.state)),
          ("stateClass", .string(server.stateClass)), ("stateTime", .string(server.stateTime)),
          ("partnerState", server.partnerState.map { .string($0) } ?? .null),
          ("heartbeat", .string(server.heartbeat)),
          (
            "scopes",
            .list(
              server.scopes.map { scope in
                .object(
                  TemplateObject([
                    ("cidr", .string(scope.cidr)), ("used", .number(Double(scope.used))),
                    ("size", .number(Double(scope.size))),
                  ]))
              })
          ),
          ("unackedClients", .number(Double(server.unackedClients))),
          ("progress", .number(Double(server.progress))), ("helpText", .string(server.helpText)),
        ]))
    }
    return .object(
      TemplateObject([
        ("title", .string(data.title)), ("generatedAt", .string(data.generatedAt)),
        ("generator", .string(data.generator)),
        (
          "summary",
          .object(
            TemplateObject([
              ("total", .number(Double(data.total))), ("healthy", .number(Double(data.healthy))),
              ("degraded", .number(Double(data.degraded))), ("down", .number(Double(data.down))),
              ("note", data.note.map { .string($0) } ?? .null),
            ]))
        ),
        ("servers", .list(servers)), ("footer", .string(data.footer)),
      ]))
  }
}

/// hummingbird-project/swift-mustache 2.1.1 with `[String: Any]` data (its fast path).
struct SwiftMustacheEngine {
  let template: MustacheTemplate
  let library: MustacheLibrary
  let value: [String: Any]

  init(data: ReportData) throws {
    var library = MustacheLibrary()
    try library.register(BenchTemplate.help, named: "help")
    self.library = library
    template = try MustacheTemplate(string: BenchTemplate.report)
    var summary: [String: Any] = [
      "total": data.total, "healthy": data.healthy, "degraded": data.degraded, "down": data.down,
    ]
    if let note = data.note { summary["note"] = note }
    value = [
      "title": data.title, "generatedAt": data.generatedAt, "generator": data.generator,
      "summary": summary, "footer": data.footer,
      "servers": data.servers.map { server -> [String: Any] in
        var row: [String: Any] = [
          "name": server.name, "address": server.address, "role": server.role,
          "state": server.state, "stateClass": server.stateClass, "stateTime": server.stateTime,
          "heartbeat": server.heartbeat, "unackedClients": server.unackedClients,
          "progress": server.progress, "helpText": server.helpText,
          "scopes": server.scopes.map {
            ["cidr": $0.cidr, "used": $0.used, "size": $0.size] as [String: Any]
          },
        ]
        if let partner = server.partnerState { row["partnerState"] = partner }
        return row
      },
    ]
  }

  func render() -> [UInt8] { Array(template.render(value, library: library).utf8) }
}
