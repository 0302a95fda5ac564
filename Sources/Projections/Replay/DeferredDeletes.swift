internal import GRDB

/// The tombstones of a rebuild's one transaction, applied to the tables whose session index the rebuild
/// builds only after its bulk load (decision 0130): without that index, a tombstone's `DELETE … WHERE
/// sessionId = ?` would scan the whole table, so the rows go at the end, once the index is there.
///
/// Each delete is bounded by the tombstone's position, so rows a later session of the same id wrote stay.
struct DeferredDeletes: Sendable {
    /// The tables concerned and the column holding each row's log position.
    static let tables: [(name: String, position: String)] = [
        (ToolResultRow.databaseTableName, "position"), (TranscriptMessageRow.databaseTableName, "addedPosition"),
    ]

    /// Deleted sessions and their tombstones' positions, in log order.
    private(set) var tombstones: [(sessionId: String, position: Int64)] = []

    var isEmpty: Bool { tombstones.isEmpty }

    /// Whether `table` is one whose rows a tombstone leaves to ``apply(in:)``.
    static func defers(_ table: String) -> Bool { tables.contains { $0.name == table } }

    mutating func append(sessionId: String, position: Int64) { tombstones.append((sessionId, position)) }

    mutating func append(contentsOf other: DeferredDeletes) { tombstones += other.tombstones }

    /// Deletes each tombstoned session's rows written before its tombstone, from every table concerned.
    func apply(in db: Database) throws {
        for table in Self.tables {
            let statement = try db.makeStatement(
                sql: "DELETE FROM \(table.name) WHERE sessionId = ? AND \(table.position) < ?")
            for tombstone in tombstones {
                try statement.execute(arguments: [tombstone.sessionId, tombstone.position])
            }
        }
    }
}
