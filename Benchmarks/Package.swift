// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package, so the product carries no benchmark dependency.
let package = Package(
  name: "Benchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(name: "failover-report", path: ".."),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
  ],
  targets: [
    .executableTarget(
      name: "render-bench",
      dependencies: [
        .product(name: "Templating", package: "failover-report"),
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    .executableTarget(
      name: "fleet-bench",
      dependencies: [.product(name: "FailoverReportPipeline", package: "failover-report")]
    ),
    .executableTarget(
      name: "leases-bench",
      dependencies: [.product(name: "FailoverReportPipeline", package: "failover-report")]
    ),
    .executableTarget(
      name: "archive-bench",
      dependencies: [.product(name: "FailoverReportPipeline", package: "failover-report")]
    ),
    .executableTarget(
      name: "page-bench",
      dependencies: [.product(name: "FailoverReportPipeline", package: "failover-report")]
    ),
  ]
)
