import ArgumentParser
import EventLog
import Foundation
import Projections
import Sessions

/// `sessiond-bench list`: how long a page of the Mixpeek session list takes at the start of a large
/// namespace and deep inside it, by cursor and by offset, with and without a COUNT and a filter.
struct ListBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Benchmark the session list: page 1 vs a deep page of one large namespace.")

    @Option(help: "Sessions in the namespace.")
    var sessions = 100_000

    @Option(help: "Sessions per page.")
    var limit = 20

    @Option(help: "The deep page timed against page 1 (1-based).")
    var page = 500

    @Option(help: "Timed requests per figure.")
    var repeats = 200

    @Option(help: "Directory for the benchmark's files (emptied first); default: a new temp directory.")
    var dir: String?

    func validate() throws {
        guard sessions >= 1, limit >= 1, page >= 1, repeats >= 1 else {
            throw ValidationError("--sessions, --limit, --page and --repeats must be at least 1")
        }
        guard (page - 1) * limit < sessions else { throw ValidationError("--page \(page) is past the last session") }
    }

    func run() async throws {
        let directory = try BenchmarkDirectory(dir)
        defer { directory.removeIfTemporary() }
        let root = directory.path
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores")

        var logConfiguration = EventLog.Configuration(durability: .none)
        logConfiguration.dictionaryTraining = .disabled
        let log = try EventLog(directory: root + "/log", configuration: logConfiguration)
        let (_, seconds) = try await Stopwatch.time { try await create(into: log) }
        print("\(sessions) Mixpeek sessions in namespace 'bench' appended in \(String(format: "%.1f", seconds)) s")
        let report = try await Rebuild(log: log, path: root + "/projection.sqlite").run()
        print("projection built in \(String(format: "%.1f", report.seconds)) s")
        let store = try await ProjectionStore.open(path: root + "/projection.sqlite", log: log)

        let first = SessionListQuery(namespace: "bench", limit: limit)
        var deep = first
        for _ in 1..<page {
            let next = try await store.sessionList(deep).next
            deep.start = .after(try unwrap(next))
        }
        let byOffset = SessionListQuery(namespace: "bench", limit: limit, start: .offset((page - 1) * limit))
        let filter = SessionFilter.condition(.userID, .eq, .text("user-7"), caseSensitive: true)
        var filtered = SessionListQuery(namespace: "bench", filter: filter, limit: limit)
        let filteredFirst = filtered
        // One session in 100 matches: the filtered list's deepest page that exists, at most `page`.
        let deepFilteredPage = max(1, min(page, sessions / 100 / limit))
        for _ in 1..<deepFilteredPage {
            filtered.start = .after(try unwrap(try await store.sessionList(filtered).next))
        }
        print("page of \(limit), \(repeats) requests each, p50 / p99:")
        try await time("page 1", first, store)
        try await time("page \(page) (cursor)", deep, store)
        try await time("page \(page) (offset \((page - 1) * limit))", byOffset, store)
        var counted = deep
        counted.includeTotal = true
        try await time("page \(page) (cursor) + include_total", counted, store)
        try await time("user_id filter (1 in 100), page 1", filteredFirst, store)
        try await time("user_id filter (1 in 100), page \(deepFilteredPage) (cursor)", filtered, store)
        var status = deep
        status.status = .active
        try await time("status active, page \(page) (cursor)", status, store)
        await log.close()
    }

    private func unwrap(_ cursor: SessionListCursor?) throws -> SessionListCursor {
        guard let cursor else { throw ValidationError("the list ended before page \(page)") }
        return cursor
    }

    private func time(_ label: String, _ query: SessionListQuery, _ store: ProjectionStore) async throws {
        var latencies = Latencies()
        var count = 0
        for _ in 0..<repeats {
            let (page, seconds) = try await Stopwatch.time { try await store.sessionList(query) }
            count = page.sessions.count
            latencies.add(seconds * 1000)
        }
        let p50 = String(format: "%.2f", latencies.percentile(0.5))
        let p99 = String(format: "%.2f", latencies.percentile(0.99))
        print("  \(label): \(p50) / \(p99) ms (\(count) sessions)")
    }

    /// Appends the sessions' creations from four tasks, so group commit batches them.
    private func create(into log: EventLog) async throws {
        let total = sessions
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for number in stride(from: worker, to: total, by: 4) {
                        let id = String(format: "ses_%08d", number)
                        let event = SessionEvent.created(
                            SessionCreated(
                                sessionID: SessionID(rawValue: id)!, namespace: "bench", origin: .mixpeek,
                                userID: "user-\(number % 100)", agentConfig: AgentConfig(),
                                userMemory: ["score": .number(Double(number % 1000))]))
                        let encoded = try event.encoded()
                        _ = try await log.append(
                            [ProposedRecord(type: encoded.type, schemaVersion: encoded.schemaVersion, body: encoded.body)],
                            to: id, expectedVersion: .noStream)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
