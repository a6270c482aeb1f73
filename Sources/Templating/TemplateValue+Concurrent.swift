import Parallelism

extension TemplateValue {
  /// A list of `transform` over `items`; a long list is built on all cores, in order.
  public static func list<Item: Sendable>(
    _ items: [Item], _ transform: @Sendable (Item) -> TemplateValue
  ) -> TemplateValue {
    .list(ConcurrentChunks.map(items, transform))
  }
}
