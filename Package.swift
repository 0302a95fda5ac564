// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sessiond",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sessiond", targets: ["sessiond"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Sessions", targets: ["Sessions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libzstd from the system (Debian: libzstd-dev).
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // CRC32C with the SSE4.2 / ARMv8 CRC instruction where the CPU has it, a table otherwise.
        .target(name: "CCRC32C"),
        .target(
            name: "EventLog",
            dependencies: ["CZstd", "CCRC32C", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "Sessions"),
        // Deterministic agent-transcript corpus shared by benchmarks and tests.
        .target(name: "Workload"),
        .executableTarget(
            name: "sessiond",
            dependencies: [
                "EventLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sessiond-bench",
            dependencies: [
                "EventLog", "Workload", "CZstd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "Workload", "TestSupport", "CCRC32C"]),
        .testTarget(name: "SessionsTests", dependencies: ["Sessions"]),
    ]
)
