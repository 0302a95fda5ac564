import ArgumentParser
import EventLog
import Foundation
import Projections
import Sessions
import Workload

/// `sessiond-bench export`: JSON exports of one session of a store an earlier `projections` or `library` run
/// left, timed alone: for profiling the export without regenerating or rebuilding anything.
struct ExportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Time JSON exports of one session of an existing store (a directory a projections or library run left).",
        discussion: """
            Opens DIR/log (a projections run) or DIR itself (a library run) with DIR/projection.sqlite, then exports \
            the session --exports times: as of now, or with --random-points at random positions of its history \
            (the same points for the same --seed). Prints wall p50/p99 and the process's CPU per export.
            """)

    @Option(help: "Directory an earlier `sessiond-bench projections --dir` or `library --dir` run left.")
    var dir: String

    @Option(help: "The session to export.")
    var session = "long-session"

    @Option(help: "Exports to time.")
    var exports = 200

    @Flag(help: "Export as of random positions of the session's history instead of now.")
    var randomPoints = false

    @Option(help: "Seed of the random points.")
    var seed: UInt64 = 2026

    @Option(
        name: .customLong("export-cache-mib"),
        help: "MiB of latest exports the store keeps (0, the default: every export as of now renders, as the first after a change does).")
    var exportCacheMiB = 0

    func validate() throws {
        if exports < 1 { throw ValidationError("--exports must be at least 1") }
        if exportCacheMiB < 0 { throw ValidationError("--export-cache-mib must not be negative") }
        guard SessionID(rawValue: session) != nil else { throw ValidationError("--session is not a session id") }
    }

    func run() async throws {
        let logPath = FileManager.default.fileExists(atPath: dir + "/log") ? dir + "/log" : dir
        let log = try EventLog(directory: logPath, configuration: EventLog.Configuration(durability: .none))
        var configuration = ProjectionStore.Configuration()
        configuration.exportCacheBytes = exportCacheMiB << 20
        let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log, configuration: configuration)
        let id = SessionID(rawValue: session)!
        let history = try await store.events(id)
        guard !history.isEmpty else { throw ValidationError("no session \(session) in \(dir)") }
        var random = SplitMix64(seed: seed)
        var latencies = Latencies()
        var bytes = 0
        // One export first, untimed: the statements compiled and the file's pages mapped.
        _ = try await store.exportJSON(id)
        let cpu = ProcessCPU.seconds()
        for _ in 0..<exports {
            let point: AsOf =
                randomPoints ? .position(history[Int(random.next() % UInt64(history.count))].position) : .latest
            let watch = Stopwatch()
            let json = try await store.exportJSON(id, at: point) ?? []
            latencies.add(watch.seconds * 1000)
            bytes += json.count
        }
        let cpuMs = (ProcessCPU.seconds() - cpu) * 1000 / Double(exports)
        print(
            "export of \(session) (\(history.count) events) \(randomPoints ? "at random points" : "as of now"), "
                + "\(exports) times: p50 \(String(format: "%.2f", latencies.percentile(0.5))) ms, "
                + "p99 \(String(format: "%.2f", latencies.percentile(0.99))) ms; mean size "
                + "\(bytes / exports / 1024) KiB; CPU \(String(format: "%.2f", cpuMs)) ms/export")
        await log.close()
    }
}
