import EventLog
import Foundation
internal import GRDB
import Sessions

extension ProjectionStore {
    /// Sessions whose tombstone is projected but whose other records the log still holds unerased: what the
    /// next compaction has to erase. Answered from the event index (it keeps a deleted session's rows, which
    /// compaction turns into `event.erased`), without reading the log.
    public func sessionsAwaitingErasure() async throws -> Set<String> {
        try await read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT stream.id FROM eventIndex JOIN stream ON stream.key = eventIndex.sessionKey
                        WHERE type NOT IN (?, ?)
                          AND sessionKey IN (SELECT sessionKey FROM eventIndex WHERE type = ?)
                        """,
                    arguments: [
                        EventType.sessionDeleted.rawValue, EventType.eventErased.rawValue,
                        EventType.sessionDeleted.rawValue,
                    ]))
        }
    }

    /// How many records of `sessions` the event index holds that are neither tombstone nor erased (what a
    /// compaction of them rewrites; `sessiond compact --dry-run` shows it).
    public func recordsAwaitingErasure(in sessions: Set<String>) async throws -> [String: Int] {
        guard !sessions.isEmpty else { return [:] }
        let ids = ProjectionJSON.stringArray(sessions.sorted())
        return try await read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT stream.id, COUNT(*) FROM eventIndex JOIN stream ON stream.key = eventIndex.sessionKey
                    WHERE stream.id IN (SELECT value FROM json_each(?)) AND type NOT IN (?, ?)
                    GROUP BY stream.id
                    """,
                arguments: [ids, EventType.sessionDeleted.rawValue, EventType.eventErased.rawValue])
            for row in rows { counts[row[0] as String] = row[1] as Int }
            return counts
        }
    }

    /// Rewrites the event index rows of `sessions` (deleted sessions whose records compaction erased) to
    /// what a rebuild from the compacted log projects: type `event.erased`, the erased summary, no activity.
    /// - Returns: The rows rewritten.
    @discardableResult
    func markErased(_ sessions: Set<String>) async throws -> Int {
        guard !sessions.isEmpty else { return 0 }
        let ids = ProjectionJSON.stringArray(sessions.sorted())
        let pool = current.withLock { $0.pool }
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE eventIndex SET summary = ? || type, type = ?, isActivity = 0
                    WHERE sessionKey IN (SELECT key FROM stream WHERE id IN (SELECT value FROM json_each(?)))
                      AND type NOT IN (?, ?)
                    """,
                arguments: [
                    SessionEvent.erasedSummary(of: ""), EventType.eventErased.rawValue, ids,
                    EventType.sessionDeleted.rawValue, EventType.eventErased.rawValue,
                ])
            let marked = db.changesCount
            // Its shared state keys go with its events: a rebuild of the compacted log no longer sees them.
            try db.execute(
                sql: "DELETE FROM sharedState WHERE sessionId IN (SELECT value FROM json_each(?))", arguments: [ids])
            return marked
        }
    }

    /// The SHA-256 digests (lowercase hex) that any file row names — live files, removed ones (as-of reads
    /// still serve them) — i.e. the blobs still referenced. A deleted session's rows went with its tombstone.
    public func referencedBlobDigests() async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM file WHERE sha256 IS NOT NULL"))
        }
    }

    /// Leaves no copy of deleted rows in the database files: copies the WAL back and truncates it, rewrites
    /// the file without free pages (`VACUUM`, so pages freed before `secure_delete` was on go too), and
    /// truncates the WAL the vacuum wrote, then removes generation files an interrupted rebuild left. Rows are
    /// deleted by the projector with `secure_delete` on.
    ///
    /// Readers keep reading throughout (WAL); the replay loop's next batch waits for the vacuum. A reader
    /// that holds an old snapshot can make a truncation busy: it is retried for a few seconds, then reported
    /// as not done (the next compaction tries again).
    /// - Returns: The database file's size before and after, and whether the WAL ended empty.
    public func scrub() async throws -> ScrubReport {
        let (pool, file) = current.withLock { ($0.pool, $0.file) }
        var report = ScrubReport(bytesBefore: Self.fileSize(file) + Self.fileSize(file + "-wal"))
        do {
            _ = try await truncateWALRetrying(pool)
            try await pool.vacuum()
            report.walTruncated = try await truncateWALRetrying(pool)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw ProjectionError.diskFull(operation: "scrub")
        } catch let error as DatabaseError {
            throw ProjectionError.database(operation: "scrub", reason: error.message ?? "\(error.resultCode)")
        }
        report.bytesAfter = Self.fileSize(file) + Self.fileSize(file + "-wal")
        // No deleted session's text stays in memory: the cache is emptied, and a reader still rendering from a
        // snapshot taken before the tombstone has its keep refused by its ticket (decision 0157).
        exports.removeAll()
        // A file an interrupted rebuild left holds the text as it was: it goes too (unless a build is running).
        ProjectionFile.removeAbandonedGenerations(of: path)
        return report
    }

    /// `wal_checkpoint(TRUNCATE)`, retried while readers hold old frames; whether it succeeded.
    private func truncateWALRetrying(_ pool: DatabasePool) async throws -> Bool {
        for _ in 0..<50 {
            if try await truncateWAL(of: pool) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

/// What ``ProjectionStore/scrub()`` did.
public struct ScrubReport: Sendable, Equatable {
    /// The database and its WAL, in bytes, before and after.
    public var bytesBefore: UInt64
    public var bytesAfter: UInt64 = 0
    /// Whether the WAL was truncated to nothing at the end (false: a reader kept it busy).
    public var walTruncated = false
}
