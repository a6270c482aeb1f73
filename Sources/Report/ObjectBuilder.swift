import Templating

/// Collects an object's keys in order and makes the `TemplateObject` once, instead of
/// rebuilding it for every key (a page of 10,000 servers builds a lot of them).
struct ObjectBuilder {
  var pairs: [(String, TemplateValue)] = []

  subscript(key: String) -> TemplateValue {
    get { pairs.last { $0.0 == key }?.1 ?? .null }
    set { pairs.append((key, newValue)) }
  }

  var object: TemplateObject { TemplateObject(pairs) }
}
