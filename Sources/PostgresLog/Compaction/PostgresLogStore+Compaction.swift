import EventLog
import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresLogStore {
    /// Rewrites history in the frame table (decision 0060): every frame holding a record `rewrite` replaces is
    /// encoded and compressed again (``EventLog/FrameCompactor``, the file store's frame rewriting), every later
    /// frame is re-chained, and dictionaries that may hold a rewritten stream's bytes are retired — all in one
    /// transaction holding the log head, so no append interleaves. Then `VACUUM FULL` rewrites the frame table
    /// (and the dictionary table when one was retired) into new files, because an UPDATE leaves the old row
    /// versions' bytes in the table's pages (dead tuples) and plain VACUUM leaves them too.
    ///
    /// A first pass reads without the lock: when nothing would change (another node compacted already), nothing
    /// is locked or written, and only a `VACUUM FULL` an earlier compaction committed but never ran is run
    /// (``frameVacuumPending``). `purging` changes nothing here: the rewrite and the retirement of every
    /// dictionary commit together.
    public func compact(purging: Set<String>, rewriting rewrite: @escaping @Sendable (LogRecord) -> LogRecord?)
        async throws -> CompactionReport
    {
        if let refusal = readOnlyRefusal(of: "compaction") { throw refusal }
        let dryRun = try await withCompactionConnection { connection in
            _ = try await self.loadAllDictionaries(on: connection)
            return try await self.compactionPass(rewrite, retiring: [], on: connection, write: false)
        }
        guard !dryRun.streamsRewritten.isEmpty else {
            try await withCompactionConnection { connection in
                guard try await self.readSharedDocument(Self.frameVacuumPending, on: connection) != nil else { return }
                try await self.vacuumFull(
                    ["sessiond.frame", "sessiond.dictionary"], clearing: Self.frameVacuumPending, after: nil,
                    on: connection)
            }
            return dryRun
        }
        var report = try await withCompactionConnection { connection in
            try await self.transaction(on: connection) { connection in
                // For this transaction only: schema version 6's trigger refuses a frame rewrite without it (an older
                // build's erasure would take a re-created session's records too, decision 0177).
                try await connection.query(
                    """
                    SELECT set_config('\(unescaped: PostgresSchema.compactorSchemaSetting)', \
                    '\(unescaped: String(PostgresSchema.compactorSchema))', true)
                    """, logger: self.logger)
                let end = try await Self.readEnd(on: connection, locking: true, logger: self.logger)
                // Read under the lock, so a dictionary another node trained since the first pass is retired too.
                // The store does not know which streams a dictionary's samples came from: every one may hold their
                // bytes.
                let retiring = try await self.loadAllDictionaries(on: connection)
                var report = try await self.compactionPass(rewrite, retiring: retiring, on: connection, write: true)
                if report.framesRewritten > 0 {
                    try await self.writeSharedDocument(Self.frameVacuumPending, [], on: connection)
                    try await self.writeSharedDocument(
                        Self.compactedThroughDocument, Self.encodedPosition(end), on: connection)
                }
                report.transactionID = try await self.currentTransactionID(on: connection)
                return report
            }
        }
        guard report.recordsRewritten > 0 || !report.dictionariesRetired.isEmpty else { return report }
        for id in report.dictionariesRetired { dictionaries.forget(id: id) }
        if !report.dictionariesRetired.isEmpty { resumeDictionarySampling() }
        let started = ContinuousClock.now
        let retired = !report.dictionariesRetired.isEmpty
        let xid = report.transactionID
        try await withCompactionConnection { connection in
            try await self.vacuumFull(
                retired ? ["sessiond.frame", "sessiond.dictionary"] : ["sessiond.frame"],
                clearing: Self.frameVacuumPending, after: xid, on: connection)
        }
        report.tableRewriteDuration = ContinuousClock.now - started
        logger.info("log compacted", metadata: report.logMetadata)
        return report
    }

    /// The shared document holding the log's end when a compaction last rewrote frames (8 bytes, big-endian): a
    /// dictionary trainer's samples of records up to it may hold erased bytes (``runTrainer(_:)``).
    static let compactedThroughDocument = "log-compacted-through"

    /// The end position the last compaction that rewrote frames held the head at, as `connection` sees it; `nil`
    /// when none did.
    func compactedThrough(on connection: PostgresConnection) async throws -> UInt64? {
        guard let bytes = try await readSharedDocument(Self.compactedThroughDocument, on: connection), bytes.count == 8
        else { return nil }
        return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func encodedPosition(_ position: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: position >> (8 * (7 - $0))) }
    }

    /// The shared document marking frame (and dictionary) rows a committed compaction rewrote or deleted whose
    /// `VACUUM FULL` has not run yet: their old bytes, erased sessions' among them, are still in the tables' pages.
    static let frameVacuumPending = "frame-vacuum-pending"

    /// One pass over every frame in position order: applies the rewrite and, with `write`, stores every frame
    /// whose bytes change, deletes the retired dictionaries and moves the head's chain value. `write` must run in
    /// a transaction holding the head.
    private func compactionPass(
        _ rewrite: @escaping @Sendable (LogRecord) -> LogRecord?, retiring: Set<UInt32>,
        on connection: PostgresConnection, write: Bool
    ) async throws -> CompactionReport {
        let compactor = FrameCompactor(
            dictionaries: dictionaries, compressionLevel: configuration.compressionLevel, retiring: retiring,
            rewrite: rewrite)
        var report = CompactionReport()
        var chain: UInt32?
        var after: Int64 = 0
        while true {
            var stored: [SealedFrame] = []
            for try await (position, bytes) in try await connection.query(
                """
                SELECT first_position, bytes FROM sessiond.frame WHERE first_position > \(after)
                ORDER BY first_position LIMIT 512
                """, logger: logger
            ).decode((Int64, ByteBuffer).self) {
                stored.append(
                    try SealedFrame(verifying: Array(bytes.readableBytesView), source: "PostgreSQL frame at position \(position)"))
                after = position
            }
            if stored.isEmpty { break }
            var changed: [SealedFrame] = []
            for frame in stored {
                let compacted = try compactor.compact(
                    frame, chainedTo: chain ?? frame.previousChecksum,
                    source: "PostgreSQL frame at position \(frame.firstPosition)")
                report.framesScanned += 1
                report.recordsRewritten += compacted.recordsRewritten
                report.streamsRewritten.formUnion(compacted.streamsRewritten)
                chain = compacted.frame.checksum
                guard compacted.changed else { continue }
                report.framesRewritten += 1
                report.bytesBefore += UInt64(frame.bytes.count)
                report.bytesAfter += UInt64(compacted.frame.bytes.count)
                changed.append(compacted.frame)
            }
            if write, !changed.isEmpty { try await store(changed, on: connection) }
        }
        guard write, report.framesRewritten > 0 else { return report }
        if let chain {
            try await connection.query(
                "UPDATE sessiond.log_head SET last_checksum = \(Int64(chain)) WHERE id = 1", logger: logger)
        }
        if report.recordsRewritten > 0, !retiring.isEmpty {
            let ids = retiring.sorted().map { Int32($0) }
            try await connection.query("DELETE FROM sessiond.dictionary WHERE id = ANY(\(ids))", logger: logger)
            try await connection.query("UPDATE sessiond.log_head SET dictionary_id = 0 WHERE id = 1", logger: logger)
            report.dictionariesRetired = retiring.sorted()
        }
        return report
    }

    /// Waits (up to the statement timeout) until no other session of the server holds a snapshot or a transaction
    /// older than the transaction `xid` that rewrote or deleted rows: `VACUUM FULL` copies row versions such a
    /// snapshot could still see ("recently dead") into the new file — e.g. another node's append or compaction that
    /// was waiting on the head when the compaction committed. Sessions of other databases count too: a transaction
    /// open anywhere on the server holds back the xmin of the VACUUM's own snapshot, and so what it may drop.
    func waitForOlderSnapshots(than xid: Int64?, on connection: PostgresConnection) async throws {
        guard let xid else { return }
        let ours = String(xid % (1 << 32))
        let deadline = ContinuousClock.now + configuration.statementTimeout
        while ContinuousClock.now < deadline {
            var older: Int64 = 0
            for try await count in try await connection.query(
                """
                SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()
                AND (age(backend_xmin) > age('\(unescaped: ours)'::xid) OR age(backend_xid) > age('\(unescaped: ours)'::xid))
                """, logger: logger
            ).decode(Int64.self) {
                older = count
            }
            if older == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        logger.warning(
            "a transaction older than the rewrite is still open; VACUUM FULL may keep old row versions it can see",
            metadata: ["log.compaction_xid": "\(xid)"])
    }

    /// Replaces the stored rows of `frames` (same first positions), one statement for the lot.
    private func store(_ frames: [SealedFrame], on connection: PostgresConnection) async throws {
        let positions = frames.map { Int64($0.firstPosition.rawValue) }
        let dictionaryIDs = frames.map { Int32($0.dictionaryID) }
        let checksums = frames.map { Int64($0.checksum) }
        let previous = frames.map { Int64($0.previousChecksum) }
        let bytes = frames.map { ByteBuffer(bytes: $0.bytes) }
        try await connection.query(
            """
            UPDATE sessiond.frame AS f SET dictionary_id = u.dictionary_id, checksum = u.checksum,
                previous_checksum = u.previous_checksum, bytes = u.bytes
            FROM unnest(\(positions)::bigint[], \(dictionaryIDs)::integer[], \(checksums)::bigint[],
                \(previous)::bigint[], \(bytes)::bytea[]) AS u(first_position, dictionary_id, checksum, previous_checksum, bytes)
            WHERE f.first_position = u.first_position
            """, logger: logger)
    }

    /// Installs every dictionary in the table, so every frame decodes; returns their ids.
    private func loadAllDictionaries(on connection: PostgresConnection) async throws -> Set<UInt32> {
        var ids: Set<UInt32> = []
        let rows = try await connection.query("SELECT id, bytes FROM sessiond.dictionary", logger: logger)
        for try await (id, bytes) in rows.decode((Int32, ByteBuffer).self) {
            ids.insert(UInt32(id))
            guard !dictionaries.contains(id: UInt32(id)) else { continue }
            try dictionaries.install(id: UInt32(id), bytes: Array(bytes.readableBytesView), activate: false)
        }
        return ids
    }

    private func withCompactionConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        try await leased(deadline: Self.maintenanceDeadline, body)
    }

    /// The id of the transaction open on `connection`, for ``waitForOlderSnapshots(than:on:)``.
    func currentTransactionID(on connection: PostgresConnection) async throws -> Int64? {
        var xid: Int64?
        for try await found in try await connection.query("SELECT txid_current()", logger: logger).decode(Int64.self) {
            xid = found
        }
        return xid
    }
}
