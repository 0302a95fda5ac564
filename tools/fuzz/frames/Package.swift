// swift-tools-version:6.1
// The libFuzzer target for the event log's frame and record decoding, kept out of the root package so that an
// ordinary `swift build` never sees it. Build and run it with tools/fuzz/run (it needs `-sanitize=fuzzer`).
import PackageDescription

let package = Package(
    name: "sessiond-fuzz-frames",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "fuzz-frames", targets: ["FrameFuzzer"])],
    dependencies: [.package(name: "sessiond", path: "../../..")],
    targets: [
        .executableTarget(name: "FrameFuzzer", dependencies: [.product(name: "EventLog", package: "sessiond")])
    ]
)
