import EventLog
internal import GRDB

/// A read model's progress through the log: one `checkpoint` row per read-model name.
///
/// It is written in the same transaction as the rows it covers, by compare-and-set from the position the
/// writer expects (as Marten's progression table), so a crash can neither skip an event nor apply one twice,
/// and a second writer on the same file fails instead of interleaving.
enum Checkpoint {
    /// The one read model of this database: every table is covered by this checkpoint.
    static let sessions = "sessions"

    /// The position the read model has applied, 0 when it has applied nothing.
    static func read(_ db: Database, name: String = sessions) throws -> LogPosition {
        // Cached: every replay transaction reads it first, and preparing it anew cost ≈ 2.5 % of a framework
        // append's CPU.
        let statement = try db.cachedStatement(sql: "SELECT position FROM checkpoint WHERE name = ?")
        let position = try Int64.fetchOne(statement, arguments: [name])
        return LogPosition(UInt64(position ?? 0))
    }

    /// Moves the checkpoint from `expected` to `position`, inside the caller's transaction.
    ///
    /// - Throws: ``ProjectionError/checkpointConflict(name:expected:found:)`` when the stored position is not
    ///   `expected`; the caller's transaction must then roll back (throwing from `write` does).
    static func advance(
        _ db: Database,
        name: String = sessions,
        from expected: LogPosition,
        to position: LogPosition
    ) throws {
        if expected == .zero {
            let statement = try db.cachedStatement(
                sql: "INSERT INTO checkpoint (name, position) VALUES (?, ?) ON CONFLICT(name) DO NOTHING")
            try statement.execute(arguments: [name, Int64(position.rawValue)])
            if db.changesCount == 1 { return }
        } else {
            let statement = try db.cachedStatement(
                sql: "UPDATE checkpoint SET position = ? WHERE name = ? AND position = ?")
            try statement.execute(arguments: [Int64(position.rawValue), name, Int64(expected.rawValue)])
            if db.changesCount == 1 { return }
        }
        throw ProjectionError.checkpointConflict(name: name, expected: expected, found: try read(db, name: name))
    }
}
