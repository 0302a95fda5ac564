import Foundation
internal import GRDB

extension ProjectionStore {
    /// Copies the WAL back into the database file and truncates it to nothing (`wal_checkpoint(TRUNCATE)`),
    /// once; `false` when a reader holding an old snapshot kept it busy. Waits for the writer, so it never
    /// interleaves with an applied batch.
    func truncateWAL(of pool: DatabasePool) async throws -> Bool {
        try await pool.writeWithoutTransaction { db -> Bool in
            do {
                try db.checkpoint(.truncate)
                return true
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return false
            }
        }
    }

    /// The idle checkpoint of the replay loop: when the current database's WAL holds anything, truncates it
    /// (best effort; a busy or failed attempt is left to the next idle moment or to SQLite's autocheckpoint).
    ///
    /// SQLite keeps the WAL at its high-water mark until a checkpoint lets the next write restart it, so a
    /// daemon that went quiet after a burst would otherwise keep up to ≈ 4 MiB of already-applied pages on
    /// disk next to the database (docs/decisions/0090).
    /// - Returns: Whether the WAL is empty afterwards.
    @discardableResult
    public func truncateWALWhenIdle() async -> Bool {
        let (pool, file) = current.withLock { ($0.pool, $0.file) }
        guard Self.fileSize(file + "-wal") > 0 else { return true }
        return (try? await truncateWAL(of: pool)) ?? false
    }

    static func fileSize(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
