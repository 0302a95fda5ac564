// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sessiond",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sessiond", targets: ["sessiond"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Sessions", targets: ["Sessions"]),
        .library(name: "Projections", targets: ["Projections"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // No default traits: they pull in TLS and other pieces the daemon does not use, and double the build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Already in the graph through Hummingbird; named so sessiond-bench's HTTP client can use it directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        // The PostgreSQL store of the log (module PostgresLog only; decision 0030).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already in the graph through postgres-nio; named for the TLS configuration of `postgres://…?sslmode=`.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libzstd from the system (Debian: libzstd-dev).
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // SHA-256 from the system's libcrypto (Debian: libssl-dev), for content-addressed blobs.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // CRC32C with the SSE4.2 / ARMv8 CRC instruction where the CPU has it, a table otherwise.
        .target(name: "CCRC32C"),
        // Process-wide SQLite options, set before SQLite initializes (decision 0160).
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "EventLog",
            dependencies: ["CZstd", "CCRC32C", .product(name: "Logging", package: "swift-log")]
        ),
        // The log's second store: frames in PostgreSQL, shared by several nodes, and the session files' bytes beside
        // them. Only it imports PostgresNIO.
        .target(
            name: "PostgresLog",
            dependencies: [
                "EventLog", "Blobs",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Opens a log by its location (a directory or a postgres:// URL) and gives the blob store beside it: the one
        // place that knows both stores.
        .target(name: "LogStores", dependencies: ["EventLog", "PostgresLog", "Blobs"]),
        .target(name: "Sessions"),
        // Content-addressed file bytes: the blob store's contract and its directory store; knows nothing of sessions.
        .target(name: "Blobs", dependencies: ["CLibCrypto"]),
        .target(
            name: "Projections",
            dependencies: [
                // Blobs: erasing a deleted session removes the blobs only it referred to (decision 0035).
                // CZstd: long body columns are stored zstd-compressed (decision 0090).
                // CSQLiteSetup: SQLite's process-wide options, set before its first connection (decision 0160).
                "EventLog", "Sessions", "Blobs", "CZstd", "CSQLiteSetup",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The projector binds its hot statements' parameters through the C API (BoundStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SessionAPI",
            dependencies: [
                "EventLog", "LogStores", "Sessions", "Projections", "Blobs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("OpenAPI/openapi.json"), .copy("Console")]
        ),
        // Deterministic agent-session corpus shared by benchmarks and tests.
        .target(name: "Workload", dependencies: ["Sessions"]),
        .executableTarget(
            name: "sessiond",
            dependencies: [
                "EventLog", "LogStores", "PostgresLog", "Sessions", "Projections", "SessionAPI", "Blobs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "sessiond-bench",
            dependencies: [
                "EventLog", "Sessions", "Projections", "Workload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["EventLog"], path: "Tests/TestSupport"),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "Workload", "TestSupport", "CCRC32C"]),
        .testTarget(name: "SessionsTests", dependencies: ["Sessions", "Workload", "TestSupport"]),
        // Runs against the PostgreSQL server named by SESSIOND_TEST_POSTGRES_URL (tools/test starts one).
        .testTarget(name: "PostgresLogTests", dependencies: ["PostgresLog", "LogStores", "EventLog", "Blobs", "TestSupport"]),
        .testTarget(name: "BlobsTests", dependencies: ["Blobs"]),
        .testTarget(
            name: "SessionAPITests",
            dependencies: [
                "SessionAPI", "Projections", "EventLog", "LogStores", "Sessions", "Blobs", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // Argument parsing of the `sessiond` commands (an executable target, imported with @testable), and what
        // the offline commands do to a data directory.
        .testTarget(
            name: "sessiondTests",
            dependencies: ["sessiond", "EventLog", "Projections", "Sessions", "Workload", "TestSupport"]),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "EventLog", "Sessions", "Blobs", "Workload", "TestSupport"]),
    ]
)
