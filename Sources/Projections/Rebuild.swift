import EventLog
import Foundation
internal import GRDB
import Logging

/// How far a rebuild has come, for progress bars.
public struct RebuildProgress: Sendable {
    /// Records applied so far.
    public var applied: UInt64
    /// Records to apply in all.
    public var total: UInt64
    /// Seconds since the rebuild started.
    public var elapsed: Double

    /// Records per second so far.
    public var rate: Double { elapsed > 0 ? Double(applied) / elapsed : 0 }
    /// Estimated seconds left, `nil` before any progress.
    public var remaining: Double? { rate > 0 ? Double(total - min(applied, total)) / rate : nil }
}

/// What a rebuild produced.
public struct RebuildReport: Sendable {
    /// The database file built (the link's new target once installed).
    public var file: String
    /// The log position the file has applied.
    public var position: LogPosition
    /// Records replayed.
    public var events: UInt64
    /// Wall-clock seconds of the replay.
    public var seconds: Double
    /// CPU seconds of the thread that wrote the file (its transactions, commits and the final index build):
    /// the pipeline's busier side, so on a quiet machine it bounds ``seconds`` from below.
    public var writerSeconds: Double = 0
}

/// Replays the log from position zero into a fresh database file beside the live one, then swaps it in
/// with one atomic rename of the link and a directory fsync.
///
/// The fresh file is written with SQLite's journal off and no syncs (a crash leaves only a temporary file to
/// delete), in one transaction applied batch by batch, decoding the next batch in ``decodingParts`` slices while
/// SQLite applies the current one (decision 0132), with session rows written once at the end (decision 0105);
/// the session indexes (``ProjectionSchema/deferredIndexes``) are built once at the end — the transcript's
/// earlier past ``ProjectionStore/Configuration/rebuildLiveMessages`` (decision 0144) — and the tombstones'
/// deletes from their tables applied after them (decisions 0130, 0131). It is fsync'd before it is installed.
public struct Rebuild: Sendable {
    /// The log to replay.
    public let log: any LogStore
    /// The projection database path (the link).
    public let path: String
    /// Batch size and logger.
    public let configuration: ProjectionStore.Configuration
    /// How many slices each batch is decoded in at once (decision 0132): every core when nothing else runs
    /// (``allCores``), fewer while the daemon serves (``whileServing``), so HTTP and the replay loop keep a core.
    public let decodingParts: Int

    /// Every core: `sessiond rebuild` and the rebuild at open, which nothing competes with.
    public static var allCores: Int { ProcessInfo.processInfo.activeProcessorCount }
    /// Half the cores (at least one): a rebuild of a running store.
    public static var whileServing: Int { max(1, allCores / 2) }

    /// Creates a rebuild of the projection database at `path` from `log`, decoding in `decodingParts` slices.
    public init(
        log: any LogStore, path: String, configuration: ProjectionStore.Configuration = .init(),
        decodingParts: Int = Rebuild.allCores
    ) {
        self.log = log
        self.path = path
        self.configuration = configuration
        self.decodingParts = max(1, decodingParts)
    }

    /// Builds a fresh database up to `end` (the durable end by default) and installs it at ``path``, removing
    /// the previous generation's file. For use when no ``ProjectionStore`` has the database open (at start,
    /// or `sessiond rebuild` with the daemon stopped); a running store uses
    /// ``ProjectionStore/rebuild(from:progress:)``.
    @discardableResult
    public func run(
        upTo end: LogPosition? = nil,
        progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws -> RebuildReport {
        let report = try await ProjectionFile.whileBuilding(path) {
            let previous = ProjectionFile.currentTarget(of: path)
            let report = try await build(upTo: end, progress: progress)
            try ProjectionFile.syncFile(report.file)
            try ProjectionFile.install(report.file, at: path)
            if let previous, previous != report.file { ProjectionFile.removePrevious(previous, replacedAt: path) }
            return report
        }
        configuration.logger.notice(
            "projection database rebuilt",
            metadata: [
                "projection.path": "\(path)", "log.position": "\(report.position)",
                "rebuild.events": "\(report.events)", "rebuild.seconds": "\(report.seconds)",
            ])
        return report
    }

    /// Builds a fresh database file beside ``path`` up to `end` (the durable end by default), without
    /// installing it.
    public func build(
        upTo end: LogPosition? = nil,
        progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws -> RebuildReport {
        let durableEnd = try await log.durableEnd()
        let target = end ?? durableEnd
        let file = ProjectionFile.makeGenerationPath(for: path)
        ProjectionFile.remove(file)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let queue = try Self.openBulk(file)
            let replayed = try await replay(
                into: queue, from: .zero, to: target, spanning: true
            ) { applied in
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                progress?(RebuildProgress(applied: applied, total: target.rawValue, elapsed: elapsed))
            }
            let (position, deferredDeletes) = (replayed.position, replayed.deferredDeletes)
            let writerSeconds = try await replayed.writerSeconds + queue.write { db in
                let cpu = ThreadCPU.seconds()
                // A rebuild past its live-message bound built `transcriptMessageBySession` already.
                for index in ProjectionSchema.deferredIndexes {
                    if try !db.hasIndex(named: index.name) { try index.create(db) }
                }
                try deferredDeletes?.apply(in: db)
                return ThreadCPU.seconds() - cpu
            }
            try await queue.write { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try queue.close()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return RebuildReport(
                file: file, position: position, events: position.rawValue, seconds: seconds,
                writerSeconds: writerSeconds)
        } catch {
            ProjectionFile.remove(file)
            throw error
        }
    }

    /// Applies the records after `position` up to `end` to a built (not yet installed) file.
    func extend(_ file: String, from position: LogPosition, to end: LogPosition) async throws -> LogPosition {
        var config = GRDB.Configuration()
        // A tombstone applied here deletes rows the build wrote: leave no copy in free pages (decision 0035).
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        let queue = try SQLiteConnections.queue(file, configuration: config)
        defer { try? queue.close() }
        return try await replay(into: queue, from: position, to: end, progress: { _ in }).position
    }

    /// Applies the records after `start` up to `end`, decoding the next batch while SQLite applies the current one.
    ///
    /// With `spanning`, one transaction holds every batch (the fresh file's journal is off, so a transaction
    /// buys nothing but its commit's page writes: a page the batches keep changing — an index's, a session
    /// row's — is written once, not once per batch), and session rows are written once, at its end. Otherwise
    /// each batch is its own transaction.
    private func replay(
        into queue: DatabaseQueue,
        from start: LogPosition,
        to end: LogPosition,
        spanning: Bool = false,
        progress: @Sendable (UInt64) -> Void
    ) async throws -> (position: LogPosition, writerSeconds: Double, deferredDeletes: DeferredDeletes?) {
        let log = self.log
        let batchSize = configuration.rebuildBatchSize
        let parts = decodingParts
        @Sendable func fetch(after position: LogPosition) async throws -> [DecodedRecord] {
            guard position < end else { return [] }
            let limit = Int(min(UInt64(batchSize), end.rawValue - position.rawValue))
            return try await DecodedRecord.decode(try await log.read(from: position.next, limit: limit), parts: parts)
        }
        // Only one spanning transaction may leave tombstones to its end: any failure abandons it whole.
        let carry = SessionRowCarry(
            capacity: configuration.rebuildSessionRows, deferringDeletes: spanning,
            messageCapacity: configuration.rebuildLiveMessages)
        var position = start
        var writerSeconds = 0.0
        var batch = try await fetch(after: position)
        while let last = batch.last?.position {
            // Decode the next batch on the other threads while SQLite applies this one.
            async let next = fetch(after: last)
            let expected = position
            let current = batch
            let commit = !spanning || last >= end
            writerSeconds += try await queue.writeWithoutTransaction { db in
                let cpu = ThreadCPU.seconds()
                if !db.isInsideTransaction { try db.beginTransaction() }
                do {
                    try ProjectionStore.apply(current, from: expected, in: db, carrying: carry, endsTransaction: commit)
                    if commit { try db.commit() }
                } catch {
                    // Nothing of a failed replay is kept: `extend`'s file stays as it was, `build` abandons its own.
                    try? db.rollback()
                    throw error
                }
                return ThreadCPU.seconds() - cpu
            }
            position = last
            progress(position.rawValue - start.rawValue)
            batch = try await next
        }
        if spanning {
            // The log ended before `end` (nothing past the last record read): end the transaction here.
            try await queue.writeWithoutTransaction { db in
                guard db.isInsideTransaction else { return }
                var projector = Projector(db, knownSessions: carry.rows, unwritten: carry.unwritten)
                try projector.flush()
                try db.commit()
            }
        }
        return (position, writerSeconds, carry.deferredDeletes)
    }

    /// A connection tuned for a bulk load into a file nobody reads yet.
    private static func openBulk(_ file: String) throws -> DatabaseQueue {
        var config = GRDB.Configuration()
        // The replay keeps one transaction open across its batches (``replay(into:from:to:spanning:progress:)``).
        config.allowsUnsafeTransactions = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -262144")
            // The deferred indexes are built after the replay, when the decoding thread is idle: let SQLite's
            // sorter use it (0.78 → 0.65 s for `eventIndexBySession` over 1,000,031 events).
            try db.execute(sql: "PRAGMA threads = 2")
            // Replaying a tombstone deletes rows the same batch may have written: leave no copy in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let queue = try SQLiteConnections.queue(file, configuration: config)
        try ProjectionSchema.migrator.migrate(queue)
        try queue.write { db in
            for index in ProjectionSchema.deferredIndexes { try db.drop(index: index.name) }
        }
        return queue
    }
}

extension Database {
    /// Whether the schema holds an index of this name.
    fileprivate func hasIndex(named name: String) throws -> Bool {
        try Bool.fetchOne(
            self, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?)",
            arguments: [name]) ?? false
    }
}
