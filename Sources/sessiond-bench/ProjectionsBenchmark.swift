import ArgumentParser
import EventLog
import Foundation
import Projections
import Sessions
import Workload

/// `sessiond-bench projections`: rebuild throughput over a generated log, and as-of export latency of a long
/// session.
struct ProjectionsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Benchmark the projections: rebuild events/s, as-of export latency of a long session.")

    @Option(help: "Events to generate in all (the long session's included).")
    var events = 1_000_000

    @Option(help: "Sessions besides the long one.")
    var sessions = 10_000

    @Option(help: "Messages of the long session whose as-of exports are timed.")
    var longSessionMessages = 10_000

    @Option(help: "As-of exports to time, at random positions of the long session (0: rebuild only).")
    var exports = 100

    @Option(help: "Records per rebuild batch (default: the store's default); the rebuild is one transaction.")
    var rebuildBatch: Int?

    @Option(help: "Directory for the benchmark's files (emptied first); default: a new temp directory.")
    var dir: String?

    @Option(help: "Seed of the corpus generator.")
    var seed: UInt64 = 2026

    @Flag(help: "Replay the log a previous run left in --dir instead of generating one (for profiling the rebuild).")
    var reuseLog = false

    func validate() throws {
        if let rebuildBatch, rebuildBatch < 1 { throw ValidationError("--rebuild-batch must be at least 1") }
        if reuseLog, dir == nil { throw ValidationError("--reuse-log needs --dir") }
        if exports < 0 { throw ValidationError("--exports must not be negative") }
    }

    func run() async throws {
        let directory = try BenchmarkDirectory(dir, keepingFiles: reuseLog)
        defer { directory.removeIfTemporary() }
        let root = directory.path
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; seed \(seed)")

        // 1. Generate and append: every session advances one turn at a time, round robin.
        var configuration = EventLog.Configuration(durability: .none)
        configuration.dictionaryTraining = .afterSampleBytes(4 << 20)
        let log = try EventLog(directory: root + "/log", configuration: configuration)
        let longID = "long-session"
        let existing = try await log.durableEnd()
        if reuseLog, existing > .zero {
            print("log: \(existing) events, left in \(root) by an earlier run")
        } else {
            let (_, generateSeconds) = try await Stopwatch.time { try await generate(into: log, longID: longID) }
            let total = try await log.durableEnd()
            print(
                "log: \(total) events over \(sessions + 1) sessions, generated and appended in "
                    + "\(String(format: "%.1f", generateSeconds)) s (durability none)")
        }

        // 2. The codec alone: read and decode every record.
        var decoded = 0
        let (_, decodeSeconds, decodeCPU) = try await ProcessCPU.time {
            var position = LogPosition(1)
            while true {
                let batch = try await log.read(from: position, limit: 4096)
                guard let last = batch.last else { break }
                for record in batch {
                    _ = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
                }
                decoded += batch.count
                position = last.position.next
            }
        }
        print(
            "read + decode only: \(formatRate(Double(decoded) / decodeSeconds)) events/s; CPU "
                + "\(String(format: "%.1f", decodeCPU * 1e6 / Double(max(decoded, 1)))) µs/event")

        // 3. Rebuild.
        let path = root + "/projection.sqlite"
        var rebuildConfiguration = ProjectionStore.Configuration()
        if let rebuildBatch { rebuildConfiguration.rebuildBatchSize = rebuildBatch }
        let (report, _, rebuildCPU) = try await ProcessCPU.time {
            try await Rebuild(log: log, path: path, configuration: rebuildConfiguration).run()
        }
        print(
            "rebuild (\(rebuildConfiguration.rebuildBatchSize) records per batch): \(report.events) events in "
                + "\(String(format: "%.2f", report.seconds)) s = "
                + "\(formatRate(Double(report.events) / report.seconds)) events/s (goal ≥ 100,000); CPU "
                + "\(String(format: "%.2f", rebuildCPU)) s = \(String(format: "%.1f", rebuildCPU * 1e6 / Double(report.events))) µs/event, "
                + "of which the write thread \(String(format: "%.1f", report.writerSeconds * 1e6 / Double(report.events))) µs/event")

        // 4. As-of exports of the long session at random points of its history.
        guard exports > 0 else {
            await log.close()
            return
        }
        let store = try await ProjectionStore.open(path: path, log: log)
        let id = SessionID(rawValue: longID)!
        let history = try await store.events(id)
        guard !history.isEmpty else { throw ValidationError("the log in \(root) has no session \(longID) to export") }
        let current = try await store.session(id)
        print("long session: \(current?.counters.totalMessages ?? 0) messages, \(history.count) events")
        var random = SplitMix64(seed: seed)
        var latencies = Latencies()
        var bytes = 0
        let exportCPU = ProcessCPU.seconds()
        for _ in 0..<exports {
            let point = history[Int(random.next() % UInt64(history.count))].position
            let (rendered, seconds) = try await Stopwatch.time {
                try await store.exportJSON(id, at: .position(point)) ?? []
            }
            bytes += rendered.count
            latencies.add(seconds * 1000)
        }
        let exportCPUMs = (ProcessCPU.seconds() - exportCPU) * 1000 / Double(exports)
        print(
            "as-of export (JSON) of the long session at \(exports) random points: "
                + "p50 \(String(format: "%.1f", latencies.percentile(0.5))) ms, p99 \(String(format: "%.1f", latencies.percentile(0.99))) ms, "
                + "max \(String(format: "%.1f", latencies.percentile(1))) ms; mean size \(bytes / exports / 1024) KiB (goal p99 ≤ 50 ms); CPU \(String(format: "%.1f", exportCPUMs)) ms/export")
        await log.close()
    }

    /// Appends the corpus: `sessions` sessions plus one long session, one turn per append, round robin.
    private func generate(into log: EventLog, longID: String) async throws {
        let sessionCount = sessions
        let targetEvents = events
        let longMessages = longSessionMessages
        let seed = self.seed
        let workers = 4
        // Each worker owns every `workers`-th session and its own corpus, so generation and encoding use both
        // cores; the long session belongs to worker 0.
        let perWorker = max(1, targetEvents / workers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var corpus = SessionCorpus(seed: seed &+ UInt64(worker))
                    var owned = stride(from: worker, to: sessionCount, by: workers).map { SessionCorpus.sessionID($0) }
                    var numbers = Array(stride(from: worker, to: sessionCount, by: workers))
                    if worker == 0 {
                        owned.append(longID)
                        numbers.append(-1)
                    }
                    var turns = [Int](repeating: 0, count: owned.count)
                    var messages = [Int](repeating: 0, count: owned.count)
                    var appended = 0
                    for (index, session) in owned.enumerated() {
                        let created = SessionCorpus.creation(session: session, number: numbers[index])
                        _ = try await log.append([Self.record(created)], to: session, expectedVersion: .noStream)
                        appended += 1
                    }
                    var index = 0
                    while appended < perWorker || (worker == 0 && messages[owned.count - 1] < longMessages) {
                        let isLong = worker == 0 && index == owned.count - 1
                        if isLong && messages[index] >= longMessages || !isLong && appended >= perWorker {
                            index = (index + 1) % owned.count
                            continue
                        }
                        let events = corpus.turn(session: owned[index], turn: turns[index])
                        turns[index] += 1
                        messages[index] += events.reduce(0) { count, event in
                            if case .messageAppended = event { count + 1 } else { count }
                        }
                        _ = try await log.append(events.map(Self.record), to: owned[index])
                        appended += events.count
                        // The long session takes a turn as often as it needs to reach its size.
                        index = isLong || worker != 0 || Int.random(in: 0..<4) != 0 ? (index + 1) % owned.count : owned.count - 1
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private static func record(_ event: SessionEvent) -> ProposedRecord {
        let encoded = try! event.encoded()
        return ProposedRecord(type: encoded.type, schemaVersion: encoded.schemaVersion, body: encoded.body)
    }
}
