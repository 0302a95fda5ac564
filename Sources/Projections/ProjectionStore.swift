import EventLog
import Foundation
internal import GRDB
import Logging
import Synchronization

/// The SQLite read models of every session: owns the one `DatabasePool` (WAL, system SQLite) of the
/// projection database, applies batches of events for the replay loop, and answers every query.
///
/// Only the replay loop (or a rebuild) writes; readers never block it. The database is disposable: it is
/// rebuilt from the log when missing or of an older schema, and ``rebuild(from:progress:)`` swaps a fresh one
/// in while this one keeps serving. GRDB types never leave this module.
public final class ProjectionStore: Sendable {
    /// The path of the projection database (a link to the current generation's file).
    public let path: String
    /// The store's configuration.
    public let configuration: Configuration
    /// The open generation; extensions that write outside the replay loop (erasure) take its pool.
    let current: Mutex<Generation>
    /// The latest exports of recently exported sessions (``Configuration/exportCacheBytes``, decision 0153).
    let exports: ExportCache
    /// The exports kept in memory (``Configuration/exportCacheBytes`` bounds their bytes).
    public var exportCacheUsage: CacheUsage { exports.usage }

    /// The open database and a counter bumped by every swap, so a write queued on a swapped-out pool
    /// notices and retries on the new one.
    struct Generation: Sendable {
        var pool: DatabasePool
        var number: Int
        var file: String
    }

    /// Thrown inside a write that reached a pool after it was swapped out; the write is retried.
    private struct SwappedOut: Error {}

    /// Opens the projection database at `path`, rebuilding it from `log` first when it is missing or of an
    /// older schema version (with a log line saying so), and refusing a checkpoint ahead of the log.
    ///
    /// The store is not caught up: run a ``ReplayLoop`` (or ``catchUp(from:)``) to apply what the log holds
    /// past the checkpoint.
    /// - Parameters:
    ///   - path: The database path, e.g. `<data>/projection.sqlite`.
    ///   - log: The log the projections are built from.
    ///   - configuration: Clock, idle timeout, logger.
    /// - Returns: The open store.
    /// - Throws: ``ProjectionError/checkpointAheadOfLog(path:checkpoint:durableEnd:)``,
    ///   ``ProjectionError/newerSchema(path:found:supported:)``, or a log or database error.
    public static func open(
        path: String,
        log: any LogStore,
        configuration: Configuration = Configuration()
    ) async throws -> ProjectionStore {
        let logger = configuration.logger
        let abandoned = ProjectionFile.removeAbandonedGenerations(of: path)
        if !abandoned.isEmpty {
            logger.notice(
                "removed projection files an interrupted rebuild left",
                metadata: ["projection.path": "\(path)", "projection.removed": "\(abandoned.sorted())"])
        }
        if let file = ProjectionFile.currentTarget(of: path) {
            guard let found = try readableSchemaVersion(of: file) else {
                logger.error(
                    "projection database is not a readable SQLite database; rebuilding from the log",
                    metadata: ["projection.path": "\(path)", "projection.file": "\(file)"])
                try await Rebuild(log: log, path: path, configuration: configuration).run()
                return try await openChecked(path: path, log: log, configuration: configuration)
            }
            if found > ProjectionSchema.version {
                throw ProjectionError.newerSchema(path: path, found: found, supported: ProjectionSchema.version)
            }
            if found < ProjectionSchema.version {
                logger.notice(
                    "projection database has an older schema version; rebuilding from the log",
                    metadata: [
                        "projection.path": "\(path)", "projection.schema.found": "\(found)",
                        "projection.schema.current": "\(ProjectionSchema.version)",
                    ])
                try await Rebuild(log: log, path: path, configuration: configuration).run()
            }
        } else {
            logger.notice(
                "projection database not found; rebuilding from the log", metadata: ["projection.path": "\(path)"])
            try await Rebuild(log: log, path: path, configuration: configuration).run()
        }
        return try await openChecked(path: path, log: log, configuration: configuration)
    }

    /// Opens the (now present) database and refuses a checkpoint ahead of the log.
    private static func openChecked(path: String, log: any LogStore, configuration: Configuration)
        async throws -> ProjectionStore
    {
        let logger = configuration.logger
        let store = try ProjectionStore(path: path, configuration: configuration)
        if !SQLiteConnections.optionsTookEffect {
            logger.notice(
                "SQLite was initialized before sessiond could set its options; it keeps memory statistics (slower, equally correct)",
                metadata: ["sqlite.config.result": "\(SQLiteConnections.processOptions)"])
        }
        let checkpoint = try await store.checkpoint()
        let durableEnd = try await log.durableEnd()
        if checkpoint > durableEnd {
            logger.error(
                "projection checkpoint is ahead of the log; refusing to serve",
                metadata: ["projection.checkpoint": "\(checkpoint)", "log.position": "\(durableEnd)"])
            throw ProjectionError.checkpointAheadOfLog(path: path, checkpoint: checkpoint, durableEnd: durableEnd)
        }
        return store
    }

    /// Opens the existing projection database at `path` as it is, without looking at the log.
    /// - Throws: ``ProjectionError/database(operation:reason:)`` when the link is missing or the file is not
    ///   a projection database of this schema version.
    package init(path: String, configuration: Configuration = Configuration()) throws {
        guard let file = ProjectionFile.currentTarget(of: path) else {
            throw ProjectionError.database(operation: "open \(path)", reason: "no projection database")
        }
        self.path = path
        self.configuration = configuration
        exports = ExportCache(byteLimit: configuration.exportCacheBytes)
        let pool = try Self.openPool(file: file, configuration: configuration)
        current = Mutex(Generation(pool: pool, number: 0, file: file))
    }

    /// The position the projections have applied: every record up to it, none after.
    public func checkpoint() async throws -> LogPosition {
        try await read { db in try Checkpoint.read(db) }
    }

    /// The database file of the current generation (the link's target).
    public var currentFile: String { current.withLock { $0.file } }

    // MARK: - Writing (the replay loop and catch-up)

    /// Applies a batch in one transaction whose checkpoint moves from `expected` to the batch's last position.
    ///
    /// - Parameters:
    ///   - batch: Consecutive records right after `expected`.
    ///   - expected: The checkpoint the caller believes the database holds.
    ///   - beforeCommit: A test hook run inside the transaction after the checkpoint moved; throwing rolls
    ///     the whole batch back, as a crash before the commit would.
    /// - Returns: The new checkpoint.
    ///
    /// The transaction runs on the caller's thread (GRDB's synchronous write: the writer's queue is taken, not
    /// hopped to), so the replay loop's batch is applied where it was decoded, without waking GRDB's writer queue
    /// and then the loop again for every batch (decision 0149). It blocks that thread while SQLite works.
    func apply(
        _ batch: [DecodedRecord],
        from expected: LogPosition,
        beforeCommit: (@Sendable (LogPosition) throws -> Void)? = nil
    ) async throws -> LogPosition {
        try applyOnThisThread(batch, from: expected, beforeCommit: beforeCommit)
    }

    // Synchronous so that `pool.write` is GRDB's blocking overload: in an async body it resolves to the async one.
    private func applyOnThisThread(
        _ batch: [DecodedRecord],
        from expected: LogPosition,
        beforeCommit: (@Sendable (LogPosition) throws -> Void)?
    ) throws -> LogPosition {
        guard let last = batch.last?.position else { return expected }
        while true {
            let generation = current.withLock { $0 }
            do {
                let applied = try generation.pool.write { [self] db in
                    guard self.current.withLock({ $0.number }) == generation.number else { throw SwappedOut() }
                    try Self.apply(batch, from: expected, in: db)
                    try beforeCommit?(last)
                    return last
                }
                exports.drop(batch.lazy.map(\.stream))
                return applied
            } catch is SwappedOut {
                continue
            } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
                throw ProjectionError.diskFull(operation: "apply")
            } catch let error as DatabaseError {
                throw ProjectionError.database(operation: "apply", reason: error.message ?? "\(error.resultCode)")
            }
        }
    }

    /// The projector's transaction body, shared by the live store and rebuilds (which pass `carry`).
    ///
    /// A rebuild whose transaction goes on past this batch passes `endsTransaction: false`: the session rows
    /// the batch changed stay in `carry`, to be written by the transaction's last batch.
    static func apply(
        _ batch: [DecodedRecord],
        from expected: LogPosition,
        in db: Database,
        carrying carry: SessionRowCarry? = nil,
        endsTransaction: Bool = true
    ) throws {
        guard let last = batch.last?.position else { return }
        // Check before touching a row, so a second writer fails with a conflict, not a constraint error.
        let found = try Checkpoint.read(db)
        guard found == expected else {
            throw ProjectionError.checkpointConflict(name: Checkpoint.sessions, expected: expected, found: found)
        }
        var projector = Projector(
            db, knownSessions: carry?.rows ?? [:], knownKeys: carry?.streamKeys ?? [:],
            unwritten: carry?.unwritten ?? .init(), deferredDeletes: carry?.deferredDeletes?.emptied(),
            liveMessages: carry?.liveMessages)
        // One owner at a time, so the dictionaries are not copied on write.
        carry?.rows = [:]
        carry?.streamKeys = [:]
        for record in batch { try projector.apply(record) }
        if endsTransaction || carry?.isFull(projector.sessions) ?? true { try projector.flush() }
        try Checkpoint.advance(db, from: expected, to: last)
        carry?.keep(projector.sessions, unwritten: projector.unwritten)
        carry?.keep(projector.streamKeys)
        if let deferred = projector.deferredDeletes { carry?.deferredDeletes?.append(contentsOf: deferred) }
        try carry?.boundLiveMessages(in: db)
    }

    /// Applies everything the log holds past the checkpoint, up to its durable end at the time of the call,
    /// and returns the new checkpoint. For commands that run while the daemon is stopped (`export`, `events`).
    /// Must not run while a ``ReplayLoop`` writes to this store.
    public func catchUp(from log: any LogStore) async throws -> LogPosition {
        var position = try await checkpoint()
        let end = try await log.durableEnd()
        while position < end {
            let records = try await log.read(from: position.next, limit: configuration.rebuildBatchSize)
            if records.isEmpty { break }
            position = try await apply(try DecodedRecord.decode(records), from: position)
        }
        return position
    }

    // MARK: - Reading

    /// Runs `body` in a read transaction of the current database, mapping SQLite failures to
    /// ``ProjectionError/database(operation:reason:)``.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        let pool = current.withLock { $0.pool }
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw ProjectionError.database(operation: "read", reason: error.message ?? "\(error.resultCode)")
        }
    }

    // MARK: - Swapping in a rebuilt database

    /// Rebuilds the projections from `log` into a fresh file beside the live one and swaps it in atomically;
    /// until the swap this store keeps serving (and the replay loop keeps writing) the old one.
    ///
    /// The fresh file is built up to the log's durable end, caught up to the live checkpoint, and swapped
    /// while the live database's writer is held, so no position is lost or applied twice across the swap.
    /// - Returns: What was rebuilt.
    public func rebuild(
        from log: any LogStore,
        progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws -> RebuildReport {
        try await ProjectionFile.whileBuilding(path) { try await buildAndSwap(from: log, progress: progress) }
    }

    private func buildAndSwap(
        from log: any LogStore,
        progress: (@Sendable (RebuildProgress) -> Void)?
    ) async throws -> RebuildReport {
        // The daemon goes on serving meanwhile: leave it a core.
        let rebuild = Rebuild(
            log: log, path: path, configuration: configuration, decodingParts: Rebuild.whileServing)
        var report = try await rebuild.build(progress: progress)
        while true {
            let target = try await checkpoint()
            if target > report.position {
                report.position = try await rebuild.extend(report.file, from: report.position, to: target)
            }
            let (oldPool, oldFile) = current.withLock { ($0.pool, $0.file) }
            let built = report
            let swapped = try await oldPool.writeWithoutTransaction { [self, path, configuration] db -> Bool in
                guard try Checkpoint.read(db) == built.position else { return false }
                try ProjectionFile.syncFile(built.file)
                try ProjectionFile.install(built.file, at: path)
                let pool = try Self.openPool(file: built.file, configuration: configuration)
                self.current.withLock { $0 = Generation(pool: pool, number: $0.number + 1, file: built.file) }
                return true
            }
            if swapped {
                exports.removeAll()  // what the old file rendered goes with it
                if oldFile != report.file { ProjectionFile.removePrevious(oldFile, replacedAt: path) }
                break
            }
        }
        configuration.logger.notice(
            "projection database rebuilt and swapped in",
            metadata: ["projection.path": "\(path)", "log.position": "\(report.position)"])
        return report
    }

    // MARK: - Files

    /// How much of the database file a connection maps (SQLite caps it at its compile-time maximum).
    static let mmapSize = 1 << 30

    /// The size a WAL shrinks back to after a checkpoint: above the default autocheckpoint's ≈ 4 MiB, so steady
    /// load reuses the file instead of regrowing it.
    static let walSizeLimit = 8 << 20

    static func openPool(file: String, configuration: Configuration) throws -> DatabasePool {
        var config = GRDB.Configuration()
        config.maximumReaderCount = configuration.maximumReaderCount
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A deleted session's rows are overwritten with zeros, not left in free pages (see scrub()).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // SQLite keeps a WAL file at its high-water mark (≈ 4 MiB at the default autocheckpoint) for the
            // life of the connection. Under load it is reused from its start after each checkpoint: shrinking
            // it then (a limit of 0) made every later commit grow the file again, page by new page (≈ 4 % of an
            // append's CPU in the kernel, decision 0149). Only a WAL past this limit shrinks; the replay loop
            // empties it when the log goes quiet (truncateWALWhenIdle), and closing the pool deletes it.
            try db.execute(sql: "PRAGMA journal_size_limit = \(walSizeLimit)")
            // Reads map the file instead of copying each page through pread into a page cache (2 MiB by
            // default) that one long session's export already overflows (decision 0109).
            try db.execute(sql: "PRAGMA mmap_size = \(mmapSize)")
        }
        let pool = try SQLiteConnections.pool(file, configuration: config)
        try ProjectionSchema.migrator.migrate(pool)
        return pool
    }

    /// The schema version of the projection database at `path` (the file its link points to) beside this build's;
    /// `nil` when there is no such file or it is not a SQLite database. `sessiond verify` opens the database as it
    /// is, so it asks first: ``open(path:log:configuration:)`` rebuilds an older schema but refuses a newer one.
    package static func schemaVersions(at path: String) -> (found: Int, supported: Int)? {
        guard let file = ProjectionFile.currentTarget(of: path), let found = try? readableSchemaVersion(of: file)
        else { return nil }
        return (found, ProjectionSchema.version)
    }

    /// The schema version stored in a database file (0 for an empty or foreign file).
    /// The schema version of `file`, or nil when it is not a SQLite database at all (garbage or a damaged
    /// header): the projections are derived data, so such a file is rebuilt rather than refused.
    static func readableSchemaVersion(of file: String) throws -> Int? {
        do {
            return try schemaVersion(of: file)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            return nil
        }
    }

    static func schemaVersion(of file: String) throws -> Int {
        let queue = try SQLiteConnections.queue(file)
        defer { try? queue.close() }
        return try queue.read { db in try ProjectionSchema.storedVersion(db) }
    }
}
