import EventLog
import Foundation
internal import GRDB
import Sessions

extension ProjectionStore {
    /// Sessions whose latest tombstone is projected and whose records before it the log still holds unerased (other
    /// than earlier tombstones): what the next compaction has to erase, each with that tombstone. Records after it
    /// belong to the session created again under the same id (decision 0177) and are not erased. Answered from the
    /// event index (it keeps a deleted session's rows, which compaction turns into `event.erased`), without reading
    /// the log.
    ///
    /// Read it once per erasure and pass the same tombstones to the log rewrite (``ErasureRewrite``) and to
    /// ``markErased(_:)``: a tombstone projected in between is erased by the next run, never half by this one.
    public func sessionsAwaitingErasure() async throws -> [String: Tombstone] {
        try await read { db in
            try Self.tombstones(
                db,
                sql: """
                    SELECT stream.id, latest.version, latest.position
                    FROM (SELECT sessionKey, MAX(version) AS version, MAX(position) AS position FROM eventIndex
                          WHERE type = ? GROUP BY sessionKey) AS latest
                    JOIN stream ON stream.key = latest.sessionKey
                    WHERE EXISTS (SELECT 1 FROM eventIndex AS earlier
                                  WHERE earlier.sessionKey = latest.sessionKey AND earlier.version < latest.version
                                    AND earlier.type NOT IN (?, ?))
                    """,
                arguments: [
                    EventType.sessionDeleted.rawValue, EventType.sessionDeleted.rawValue,
                    EventType.eventErased.rawValue,
                ])
        }
    }

    /// How many records of each session before its tombstone in `tombstones` the event index holds that are neither
    /// tombstone nor erased (what a compaction of them rewrites; `sessiond compact --dry-run` shows it). Sessions
    /// with none are left out.
    public func recordsAwaitingErasure(in tombstones: [String: Tombstone]) async throws -> [String: Int] {
        guard !tombstones.isEmpty else { return [:] }
        return try await read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM eventIndex
                    WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND version < ? AND type NOT IN (?, ?)
                    """)
            var counts: [String: Int] = [:]
            for (session, tombstone) in tombstones {
                let count =
                    try Int.fetchOne(
                        statement,
                        arguments: [
                            session, Int64(tombstone.version), EventType.sessionDeleted.rawValue,
                            EventType.eventErased.rawValue,
                        ]) ?? 0
                if count > 0 { counts[session] = count }
            }
            return counts
        }
    }

    /// Rewrites the event index rows of each session before its tombstone in `tombstones` (the records compaction
    /// erased) to what a rebuild from the compacted log projects: type `event.erased`, the erased summary, no
    /// activity. The rows of a session created again after the tombstone stay as they are (decision 0177).
    /// - Returns: The rows rewritten.
    @discardableResult
    func markErased(_ tombstones: [String: Tombstone]) async throws -> Int {
        guard !tombstones.isEmpty else { return 0 }
        let pool = current.withLock { $0.pool }
        return try await pool.write { db in
            var marked = 0
            for (session, tombstone) in tombstones.sorted(by: { $0.key < $1.key }) {
                try db.execute(
                    sql: """
                        UPDATE eventIndex SET summary = ? || type, type = ?, isActivity = 0
                        WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND version < ? AND type NOT IN (?, ?)
                        """,
                    arguments: [
                        SessionEvent.erasedSummary(of: ""), EventType.eventErased.rawValue, session,
                        Int64(tombstone.version), EventType.sessionDeleted.rawValue, EventType.eventErased.rawValue,
                    ])
                marked += db.changesCount
                // Its shared state keys go with its events: a rebuild of the compacted log no longer sees them. Keys
                // the session set again after its tombstone are its new incarnation's.
                try db.execute(
                    sql: "DELETE FROM sharedState WHERE sessionId = ? AND position < ?",
                    arguments: [session, Int64(tombstone.position.rawValue)])
            }
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
