import EventLog
import Foundation
import Logging
import Projections
import Sessions
import Synchronization
import TestSupport

/// A counter-based id generator and a settable clock, shared by the writer's decisions.
final class TestContext: Sendable {
    private let state = Mutex((now: Date(timeIntervalSince1970: 1_767_225_600), next: 0))

    func makeContext() -> DecisionContext {
        let now = state.withLock { $0.now }
        return DecisionContext(now: now, makeID: { [self] in self.nextID() })
    }

    func nextID() -> String {
        state.withLock { state in
            state.next += 1
            return "id-\(state.next)"
        }
    }

    func advance(_ seconds: TimeInterval) { state.withLock { $0.now += seconds } }
    var now: Date { state.withLock { $0.now } }
}

/// A log, a projection store, its replay loop and a writer in a temporary directory; the loop runs for the
/// duration of the body.
struct ProjectionHarness {
    let directory: String
    let log: EventLog
    let store: ProjectionStore
    let replay: ReplayLoop
    let writer: SessionWriter
    let context: TestContext

    var databasePath: String { directory + "/projection.sqlite" }

    static func logConfiguration() -> EventLog.Configuration {
        var configuration = EventLog.Configuration(durability: .none)
        configuration.dictionaryTraining = .disabled
        return configuration
    }

    static func storeConfiguration(clock: TestContext) -> ProjectionStore.Configuration {
        var configuration = ProjectionStore.Configuration()
        configuration.clock = { clock.now }
        configuration.rebuildBatchSize = 7
        // Rebuilds of the tests' logs also forget their session rows mid-transaction (decision 0105).
        configuration.rebuildSessionRows = 2
        return configuration
    }

    /// Runs `body` with a harness whose replay loop runs in a child task, cancelled afterwards.
    static func with<T: Sendable>(
        replayConfiguration: ReplayLoop.Configuration = ReplayLoop.Configuration(),
        in directory: String? = nil,
        _ body: (ProjectionHarness) async throws -> T
    ) async throws -> T {
        if let directory { return try await run(in: directory, replayConfiguration: replayConfiguration, body) }
        return try await withTemporaryDirectory { directory in
            try await run(in: directory, replayConfiguration: replayConfiguration, body)
        }
    }

    private static func run<T: Sendable>(
        in directory: String,
        replayConfiguration: ReplayLoop.Configuration,
        _ body: (ProjectionHarness) async throws -> T
    ) async throws -> T {
        let context = TestContext()
        let log = try EventLog(directory: directory + "/log", configuration: logConfiguration())
        let store = try await ProjectionStore.open(
            path: directory + "/projection.sqlite", log: log, configuration: storeConfiguration(clock: context))
        let replay = ReplayLoop(store: store, log: log, configuration: replayConfiguration)
        var writerConfiguration = SessionWriter.Configuration()
        writerConfiguration.makeContext = { context.makeContext() }
        let writer = SessionWriter(log: log, replay: replay, configuration: writerConfiguration)
        let harness = ProjectionHarness(
            directory: directory, log: log, store: store, replay: replay, writer: writer, context: context)
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await replay.run() }
                defer { group.cancelAll() }
                return try await body(harness)
            }
            await log.close()
            return result
        } catch {
            await log.close()
            throw error
        }
    }
}

/// Folds every record of the log, in order, into per-session states.
func foldLog(_ log: any LogStore) async throws -> [SessionID: SessionState] {
    var states: [SessionID: SessionState] = [:]
    for record in try await readAll(log) {
        let id = SessionID(rawValue: record.stream)!
        let event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
        states[id, default: .initial].apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
    }
    return states
}

/// Folds one session's stream, with the messages' contents (a writer's result has none: decision 0156).
func foldStream(of id: SessionID, in log: any LogStore) async throws -> SessionState {
    var state = SessionState.initial
    for record in try await log.readStream(id.rawValue, fromVersion: 1) {
        let event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
        state.apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
    }
    return state
}

/// A log handler that keeps every message, for asserting log lines.
final class RecordingLogHandler: LogHandler, Sendable {
    private let storage = Mutex<[String]>([])
    var messages: [String] { storage.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        storage.withLock { $0.append(event.message.description) }
    }
}

/// Every record of the log, in order.
func readAll(_ log: any LogStore) async throws -> [LogRecord] {
    var records: [LogRecord] = []
    while true {
        let batch = try await log.read(from: LogPosition(UInt64(records.count + 1)), limit: 10_000)
        if batch.isEmpty { return records }
        records += batch
    }
}
