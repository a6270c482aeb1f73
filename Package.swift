// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "failover-report",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "failover-report", targets: ["failover-report"]),
    .library(name: "Templating", targets: ["Templating"]),
    // For the benchmarks, which measure the pipeline's stages from outside the package.
    .library(
      name: "FailoverReportPipeline",
      targets: [
        "Snapshot", "Collectors", "Assessment", "Report", "Validation", "Publishing", "Simulator",
        "Parallelism", "Job",
      ]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
  ],
  targets: [
    .target(name: "Snapshot", dependencies: ["JSONText"]),
    .target(name: "JSONText"),
    .target(name: "Parallelism"),
    .target(name: "Templating", dependencies: ["JSONText", "Parallelism"]),
    .target(
      name: "Collectors",
      dependencies: [
        "Snapshot", "JSONText",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(name: "Assessment", dependencies: ["Snapshot", "Parallelism"]),
    .executableTarget(name: "EmbedAssetsTool"),
    // The layout is fixed (Package.swift, Sources, Tests, Templates, Public), so the plugin
    // lives under Sources/ too.
    .plugin(
      name: "EmbedAssets",
      capability: .buildTool(),
      dependencies: ["EmbedAssetsTool"],
      path: "Sources/EmbedAssetsPlugin"
    ),
    .target(
      name: "Report",
      dependencies: [
        "Assessment", "Templating", "Parallelism",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      plugins: ["EmbedAssets"]
    ),
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
    ),
    .target(
      name: "Validation",
      dependencies: [
        "CLibXML2", "Parallelism", .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    .target(
      name: "Publishing",
      dependencies: [
        "Report", "Validation", "Parallelism",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "Simulator",
      dependencies: [
        "Snapshot",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]
    ),
    // The job the commands run: gather → assess → render → gate → publish, with the archive,
    // email, metrics and shared copy. Plain values in, an exit code out.
    .target(
      name: "Job",
      dependencies: [
        "Snapshot", "Collectors", "Assessment", "Report", "Validation", "Publishing",
        "Parallelism", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "FailoverReportCLI",
      dependencies: [
        "Snapshot", "Collectors", "Assessment", "Templating", "Report", "Validation",
        "Publishing", "Simulator", "Parallelism", "Job",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(name: "failover-report", dependencies: ["FailoverReportCLI"]),
    .testTarget(name: "TemplatingTests", dependencies: ["Templating", "Parallelism"]),
    .testTarget(name: "ParallelismTests", dependencies: ["Parallelism"]),
    .testTarget(
      name: "FailoverReportTests",
      dependencies: [
        "Snapshot", "Collectors", "Assessment", "Report", "Validation", "Publishing",
        "Simulator", "FailoverReportCLI", "Job", "Templating", "Parallelism",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
  ]
)
