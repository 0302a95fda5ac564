import EventLog
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The log in PostgreSQL, shared by several sessiond nodes: the same frames as the segment files, one per row,
/// behind the same ``EventLog/LogStore`` contract.
///
/// Appends from this node queue up; one writer takes the whole queue, decides it on the head, stream versions and
/// event ids read in one snapshot, encodes one frame, and has one `sessiond.append` statement lock the log head,
/// check it is unchanged, insert the frame with its records, move the head and notify — so positions are dense and
/// become visible in order across all nodes, and the head is held for one statement and the commit (decisions 0030,
/// 0098). Readers query frames by position; a listener on channel
/// ``notificationChannel`` (with polling as the fallback) learns of frames other nodes appended.
///
/// Open with ``open(url:configuration:)``, finish with ``close()``. The store runs its connection pool, writer,
/// listener and dictionary trainer in tasks it owns from open to close, as the file store owns its writer queue.
/// Compaction rewrites frames in place and has PostgreSQL rewrite the table's files (decision 0060).
public final class PostgresLogStore: LogStore {
    /// The channel appends notify with the new end position.
    static let notificationChannel = "sessiond_log"
    /// How long a maintenance transaction may take (creating or migrating the schema, compaction): these may
    /// rewrite a large table.
    static let maintenanceDeadline: Duration = .seconds(3600)

    let client: PostgresClient
    /// The writer's own pool of one connection, so reads (thousands of tailing subscribers) never make an append
    /// wait for a connection, and an append that cannot get one is a server that cannot be reached (decision 0138).
    let appendClient: PostgresClient
    let configuration: Configuration
    let url: PostgresURL
    let dictionaries: LogDictionaries
    /// Concurrent reads of the same range (every tailing subscriber after an append) share one query.
    let sharedReads = SharedReads()
    let state: Mutex<State>
    /// The writer's encoder and training samples; only the writer takes this lock.
    let writer: Mutex<Writer>
    let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    let training: AsyncStream<TrainingSamples>.Continuation
    private let trainingSamples: AsyncStream<TrainingSamples>
    private let tasks = Mutex<(client: Task<Void, Never>?, work: Task<Void, Never>?)>((nil, nil))
    /// The schema version and log end found on open.
    let opened: (schemaVersion: Int, end: UInt64)
    var logger: Logger { configuration.logger }

    struct State {
        var queue: [PendingAppend] = []
        var closed = false
        /// The highest end position this node knows to be committed.
        var knownEnd: UInt64
        var waiters: [Int: (after: UInt64, continuation: CheckedContinuation<LogPosition, any Error>)] = [:]
        var nextWaiterID = 0
        var statistics = LogStatistics()
        var readQueries = 0
        /// Set while the listener cannot reach the server (so the outage is logged once).
        var listenerDown = false
    }

    struct Writer {
        let encoder: FrameEncoder
        var samples: [[UInt8]] = []
        var sampleBytes = 0
        var sampleBudget: Int?
        /// The log position of each record sampled into ``samples``.
        var samplePositions: [UInt64] = []
    }

    /// Records sampled for a dictionary, each with its log position: a compaction through that position or later may
    /// have erased it, and then it must not train one (``runTrainer(_:)``).
    struct TrainingSamples: Sendable {
        var samples: [[UInt8]]
        var positions: [UInt64]
    }

    private init(
        client: PostgresClient, appendClient: PostgresClient, url: PostgresURL, configuration: Configuration,
        dictionaries: LogDictionaries, opened: (schemaVersion: Int, end: UInt64)
    ) {
        self.client = client
        self.appendClient = appendClient
        self.url = url
        self.configuration = configuration
        self.dictionaries = dictionaries
        self.opened = opened
        state = Mutex(State(knownEnd: opened.end))
        var budget: Int?
        if case .afterSampleBytes(let bytes) = configuration.dictionaryTraining, dictionaries.activeID == nil {
            budget = bytes
        }
        writer = Mutex(
            Writer(
                encoder: FrameEncoder(
                    compressionLevel: configuration.compressionLevel, maximumFrameBytes: configuration.maximumFrameBytes),
                sampleBudget: budget))
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (trainingSamples, training) = AsyncStream.makeStream(
            of: TrainingSamples.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Connects, creates or migrates the schema (read-only: checks it is this build's), loads the dictionaries and the
    /// log head, and starts the writer and the listener.
    /// - Parameter url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full]`.
    /// - Throws: ``PostgresLogError`` when the URL is invalid, the server cannot be reached within
    ///   ``Configuration/openTimeout``, or the schema is newer than this build (read-only: or missing, or older).
    public static func open(url text: String, configuration: Configuration = Configuration()) async throws
        -> PostgresLogStore
    {
        let url = try PostgresURL(text)
        var clientConfiguration = url.clientConfiguration()
        clientConfiguration.options.maximumConnections = max(configuration.maximumConnections, 2)
        clientConfiguration.options.connectTimeout = configuration.connectionTimeout
        // The server checks every second that the node is still connected, so a statement the node abandoned (see
        // `watched`: a deadline, a cancelled compaction) is ended instead of running to its end.
        clientConfiguration.options.additionalStartupParameters = [("client_connection_check_interval", "1000")]
        if configuration.isReadOnly {
            // The server itself refuses a write on these connections (LISTEN is still allowed).
            clientConfiguration.options.additionalStartupParameters.append(("default_transaction_read_only", "on"))
        }
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: configuration.logger)
        var appendConfiguration = clientConfiguration
        // Kept open (and re-established in the background after a restart), so the first append after a quiet
        // minute does not pay for a new connection.
        appendConfiguration.options.minimumConnections = 1
        appendConfiguration.options.maximumConnections = 1
        let appendClient = PostgresClient(configuration: appendConfiguration, backgroundLogger: configuration.logger)
        let clientTask = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                group.addTask { await appendClient.run() }
            }
        }
        let dictionaries = LogDictionaries(compressionLevel: configuration.compressionLevel)
        let logger = configuration.logger
        let readOnly = configuration.isReadOnly
        do {
            let opened = try await withLease(
                client, timeout: configuration.openTimeout, deadline: Self.maintenanceDeadline
            ) { connection in
                let version: Int
                if readOnly {
                    version = try await PostgresSchema.versionWithoutMigrating(on: connection, logger: logger)
                } else {
                    version = try await PostgresSchema.migrate(on: connection, logger: logger)
                }
                try await loadDictionaries(into: dictionaries, on: connection, logger: logger)
                let end = try await readEnd(on: connection, logger: logger)
                return (version, end)
            }
            let store = PostgresLogStore(
                client: client, appendClient: appendClient, url: url, configuration: configuration,
                dictionaries: dictionaries, opened: (opened.0, opened.1))
            store.start(clientTask: clientTask)
            logger.info(
                "log open",
                metadata: [
                    "log.store": "postgres", "log.location": "\(url.redacted)", "log.end": "\(opened.1)",
                    "log.schema_version": "\(opened.0)",
                ])
            return store
        } catch {
            clientTask.cancel()
            await clientTask.value
            if let error = error as? PostgresLogError { throw error }
            throw PostgresLogError.unreachable(location: url.redacted, reason: PostgresFailure.describe(error))
        }
    }

    private func start(clientTask: Task<Void, Never>) {
        let work = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.runListener() }
                group.addTask { await self.runTrainer(self.trainingSamples) }
                // The writer ends once the store closed and its queue is drained; then the others are stopped.
                await self.runWriter(self.wakes)
                group.cancelAll()
            }
        }
        tasks.withLock { $0 = (clientTask, work) }
    }

    /// Lets queued appends finish, stops the writer, the listener and the pool, and wakes every waiter with
    /// ``EventLog/EventLogError/closed``.
    public func close() async {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first {
            wake.finish()
            training.finish()
        }
        let (clientTask, work) = tasks.withLock { $0 }
        await work?.value
        let waiters = state.withLock { state in
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: EventLogError.closed) }
        clientTask?.cancel()
        await clientTask?.value
    }

    public var statistics: LogStatistics { state.withLock { $0.statistics } }
    /// Reads run on a leased connection since opening: what the tests count.
    var readQueries: Int { state.withLock { $0.readQueries } }

    public var summary: String {
        "PostgreSQL at \(url.redacted)\(configuration.isReadOnly ? ", opened read-only" : ""): schema version "
            + "\(opened.schemaVersion), \(opened.end) records when opened"
    }

    /// The error an operation that would change the log meets when the store was opened read-only, or `nil`.
    func readOnlyRefusal(of operation: String) -> EventLogError? {
        configuration.isReadOnly ? .readOnly(operation: operation, location: url.redacted) : nil
    }

    // MARK: Shared queries

    /// The log's end; with `locking`, the head row is locked too, until the caller's transaction ends (as every
    /// append and compaction locks it), in a statement of its own, so the statements after it see every frame
    /// committed before the lock was granted.
    static func readEnd(on connection: PostgresConnection, locking: Bool = false, logger: Logger) async throws
        -> UInt64
    {
        var end: Int64 = 0
        for try await found in try await connection.query(
            "SELECT end_position FROM sessiond.log_head WHERE id = 1 \(unescaped: locking ? "FOR UPDATE" : "")",
            logger: logger
        ).decode(Int64.self) {
            end = found
        }
        return UInt64(end)
    }

    /// Installs every dictionary of the database; the newest becomes active for this node's frames.
    static func loadDictionaries(into dictionaries: LogDictionaries, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let rows = try await connection.query("SELECT id, bytes FROM sessiond.dictionary ORDER BY id", logger: logger)
        var found: [(Int32, ByteBuffer)] = []
        for try await row in rows.decode((Int32, ByteBuffer).self) { found.append(row) }
        for (i, (id, bytes)) in found.enumerated() {
            try dictionaries.install(
                id: UInt32(id), bytes: Array(bytes.readableBytesView), activate: i == found.count - 1)
        }
    }
}
