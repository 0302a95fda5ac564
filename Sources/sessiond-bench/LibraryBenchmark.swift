import ArgumentParser
import EventLog
import Foundation
import Projections
import Sessions
import Workload

/// `sessiond-bench library`: the same corpus as `http`, through the library without HTTP: decide, durable
/// append, projection (read-your-writes), as `sessiond serve` does per request; with the raw
/// fdatasync-per-batch limit at the batch size the log reached, on the same bytes.
struct LibraryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library",
        abstract: "Benchmark sessiond as a library: durable appends/s, bytes, transcript loads, recovery, rebuild.")

    @OptionGroup var corpus: CorpusOptions

    @Option(help: "Concurrent writers, each owning every n-th session.")
    var writers = 32

    @Option(help: "Full-transcript exports of the long session to time (and as many as-of exports).")
    var exports = 50

    @Option(help: "Data directory (emptied first); default: a new temp directory.")
    var dir: String?

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func run() async throws {
        let directory = try BenchmarkDirectory(dir)
        defer { directory.removeIfTemporary() }
        let items = corpus.items()
        var report = BenchmarkReport(system: "sessiond (library)")
        report.set("corpus", corpus.summary(items))
        report.set("durability", "fsync: write + fdatasync per group-commit frame before the call returns")
        let path = directory.path

        // 1. Durable appends through SessionWriter: the sessions `writers` at a time, then the long one alone.
        var open = try await OpenStore(path: path)
        let (concurrent, sequential) = CorpusOptions.phases(items)
        let order = CorpusOptions.sessionOrder(concurrent)
        let (latencyList, seconds) = try await Stopwatch.time {
            try await withThrowingTaskGroup(of: Latencies.self) { tasks in
                for writer in 0..<writers {
                    let mine = Set(order.enumerated().filter { $0.offset % writers == writer }.map(\.element))
                    let work = concurrent.filter { mine.contains($0.session) }
                    let sessionWriter = open.writer
                    tasks.addTask { try await Self.append(work, with: sessionWriter) }
                }
                return try await tasks.reduce(into: Latencies()) { $0.add(contentsOf: $1) }
            }
        }
        var latencies = latencyList
        let frames = LogBenchmark.frameCount(path)
        let perFrame = Double(concurrent.count) / Double(max(frames, 1))
        report.set("appends_per_s", Double(concurrent.count) / seconds)
        report.set("append_p50_ms", latencies.percentile(0.5))
        report.set("append_p99_ms", latencies.percentile(0.99))
        report.set("items_per_frame", perFrame)
        print("durable appends (library, \(writers) writers): \(concurrent.count) items in \(fmt(seconds)) s = \(formatRate(Double(concurrent.count) / seconds))/s; p50 \(fmt(latencies.percentile(0.5))) ms, p99 \(fmt(latencies.percentile(0.99))) ms; \(String(format: "%.1f", perFrame)) items per fdatasync'd frame")
        if !sequential.isEmpty {
            let writer = open.writer
            let (oneLatencies, oneSeconds) = try await Stopwatch.time { try await Self.append(sequential, with: writer) }
            var one = oneLatencies
            report.set("sequential_appends_per_s", Double(sequential.count) / oneSeconds)
            report.set("sequential_p50_ms", one.percentile(0.5))
            report.set("sequential_p99_ms", one.percentile(0.99))
            print("durable appends of the long session alone: \(sequential.count) items in \(fmt(oneSeconds)) s = \(formatRate(Double(sequential.count) / oneSeconds))/s; p50 \(fmt(one.percentile(0.5))) ms, p99 \(fmt(one.percentile(0.99))) ms")
        }

        // 2. Transcript loads of the long session, whole and as of its middle.
        let long = SessionID(rawValue: CorpusOptions.longSessionID)!
        if corpus.longSessionMessages > 0, let snapshot = try await open.store.session(long) {
            let (loads, loadsWall, loadsCPU) = try await ProcessCPU.time {
                try await timedExports(open.store, long, at: .latest)
            }
            var (whole, wholeBytes) = loads
            var (asOf, _) = try await timedExports(open.store, long, at: .version(snapshot.version / 2))
            let cpuPerLoad = loadsCPU * 1000 / Double(max(exports, 1))
            report.set("transcript_p50_ms", whole.percentile(0.5))
            report.set("transcript_p99_ms", whole.percentile(0.99))
            report.set("as_of_p50_ms", asOf.percentile(0.5))
            report.set("as_of_p99_ms", asOf.percentile(0.99))
            report.set("transcript_cpu_ms", cpuPerLoad)
            report.set("transcript_bytes", Double(wholeBytes))
            print("export of the \(corpus.longSessionMessages)-message session, unchanged (warm: the kept export after the first load): p50 \(fmt(whole.percentile(0.5))) ms, p99 \(fmt(whole.percentile(0.99))) ms; as of version \(snapshot.version / 2): p50 \(fmt(asOf.percentile(0.5))) ms, p99 \(fmt(asOf.percentile(0.99))) ms; whole: \(wholeBytes / 1024) KiB of JSON, CPU \(fmt(cpuPerLoad)) ms/export (\(fmt(loadsCPU / loadsWall * 100)) % of one core over the loop)")
            var (cold, coldCPU) = try await timedColdExports(open, long)
            report.set("transcript_cold_p50_ms", cold.percentile(0.5))
            report.set("transcript_cold_p99_ms", cold.percentile(0.99))
            report.set("transcript_cold_cpu_ms", coldCPU)
            print("export of the \(corpus.longSessionMessages)-message session, each the first after a state update (cold: rendered): p50 \(fmt(cold.percentile(0.5))) ms, p99 \(fmt(cold.percentile(0.99))) ms, CPU \(fmt(coldCPU)) ms/export")
        }
        try await open.close()
        // The store stays open (`open` holds it): empty its WAL as the daemon does when the log is quiet, so that the
        // figure does not depend on how far the last checkpoint got (the WAL is kept up to 8 MiB, decision 0149).
        for _ in 0..<20 where await !open.store.truncateWALWhenIdle() { try await Task.sleep(for: .milliseconds(10)) }

        let bytes = treeSize(path)
        report.set("bytes_on_disk", Double(bytes))
        print("bytes on disk: \(formatRate(Double(bytes)))")

        // 3. Recovery: reopen log and projections and catch up; then a full rebuild of the projections.
        let (reopened, recoverSeconds) = try await Stopwatch.time { try await OpenStore(path: path) }
        open = reopened
        report.set("recover_s", recoverSeconds)
        let rebuild = try await Rebuild(log: open.log, path: path + "/rebuilt.sqlite").run()
        report.set("rebuild_s", rebuild.seconds)
        print("recover (reopen + catch up): \(fmt(recoverSeconds * 1000)) ms; full projection rebuild: \(fmt(rebuild.seconds * 1000)) ms")
        try await open.close()

        // 4. The physical limit: the same bodies, one write + fdatasync per batch of the size the log reached.
        let bodies = items.map(\.body)
        let batch = max(1, Int(perFrame.rounded()))
        let raw = RawBaseline.writeLoop(records: bodies, batchSize: batch, sync: true, path: path + "/raw-sync")
        report.set("raw_fdatasync_per_s", raw)
        report.set("raw_fdatasync_batch", batch)
        print("raw write + fdatasync per \(batch)-item batch, same bytes: \(formatRate(raw)) items/s")
        if let json { try report.write(to: json) }
    }

    /// Executes the items one after the other, timing each.
    private static func append(_ items: [CorpusItem], with writer: SessionWriter) async throws -> Latencies {
        var latencies = Latencies()
        for item in items {
            let watch = Stopwatch()
            _ = try await writer.execute(item.command)
            latencies.add(watch.seconds * 1000)
        }
        return latencies
    }

    /// The latencies and the mean CPU milliseconds of `exports` JSON exports of `id`, each the first after the
    /// session changed (a state update: the transcript stays the same), so that none comes from the store's
    /// kept export; the updates are neither timed nor counted.
    private func timedColdExports(_ open: OpenStore, _ id: SessionID) async throws -> (Latencies, Double) {
        var latencies = Latencies()
        var cpu = 0.0
        for index in 0..<exports {
            let change = UpdateState(sessionID: id, delta: ["benchmark": .number(Double(index))])
            _ = try await open.writer.execute(.updateState(change))
            let before = ProcessCPU.seconds()
            let watch = Stopwatch()
            guard try await open.store.exportJSON(id) != nil else {
                throw ProjectionError.replayStopped(reason: "no long session")
            }
            latencies.add(watch.seconds * 1000)
            cpu += ProcessCPU.seconds() - before
        }
        return (latencies, cpu * 1000 / Double(max(exports, 1)))
    }

    /// The latencies of `exports` JSON exports of `id` at `point`, and the size of one.
    private func timedExports(_ store: ProjectionStore, _ id: SessionID, at point: AsOf) async throws -> (Latencies, Int) {
        var latencies = Latencies()
        var bytes = 0
        for _ in 0..<exports {
            let watch = Stopwatch()
            guard let json = try await store.exportJSON(id, at: point) else {
                throw ProjectionError.replayStopped(reason: "no long session")
            }
            latencies.add(watch.seconds * 1000)
            bytes = json.count
        }
        return (latencies, bytes)
    }
}

/// A log, its projections, a running replay loop and a writer, as `sessiond serve` holds them.
private struct OpenStore {
    let log: EventLog
    let store: ProjectionStore
    let writer: SessionWriter
    private let replayTask: Task<Void, any Error>

    init(path: String) async throws {
        log = try EventLog(directory: path, configuration: EventLog.Configuration(durability: .fsync))
        store = try await ProjectionStore.open(path: path + "/projection.sqlite", log: log)
        let replay = ReplayLoop(store: store, log: log)
        writer = SessionWriter(log: log, replay: replay)
        replayTask = Task { try await replay.run() }
        try await replay.waitUntilApplied(try await log.durableEnd())
    }

    func close() async throws {
        replayTask.cancel()
        _ = await replayTask.result
        await log.close()
    }
}
