internal import GRDB

/// The tombstones of a rebuild's one transaction, applied to the tables whose session index the rebuild
/// builds only after its bulk load (decision 0130): without that index, a tombstone's `DELETE … WHERE
/// sessionKey = ?` would scan the whole table, so the rows go at the end, once the index is there.
///
/// Each delete is bounded by the tombstone's position, so rows a later session of the same id wrote stay.
struct DeferredDeletes: Sendable {
    /// A table concerned and the column holding each row's log position.
    typealias Table = (name: String, position: String)

    /// The tables whose index a rebuild builds at its end.
    static let indexedAtTheEnd: [Table] = [
        (ToolResultRow.databaseTableName, "position"), (TranscriptMessageRow.databaseTableName, "addedPosition"),
    ]

    /// The tables still deferred: a rebuild that builds a table's index early stops deferring it
    /// (``stopDeferring(_:in:)``).
    private(set) var tables: [Table]
    /// Deleted sessions and their tombstones' positions, in log order.
    private(set) var tombstones: [(sessionKey: Int64, position: Int64)] = []

    init(tables: [Table] = Self.indexedAtTheEnd) { self.tables = tables }

    var isEmpty: Bool { tombstones.isEmpty }

    /// Whether `table` is one whose rows a tombstone leaves to ``apply(in:)``.
    func defers(_ table: String) -> Bool { tables.contains { $0.name == table } }

    /// The same deferral with no tombstones yet, for the next batch's projector.
    func emptied() -> DeferredDeletes { DeferredDeletes(tables: tables) }

    mutating func append(sessionKey: Int64, position: Int64) { tombstones.append((sessionKey, position)) }

    mutating func append(contentsOf other: DeferredDeletes) { tombstones += other.tombstones }

    /// Deletes each tombstoned session's rows written before its tombstone, from every table still deferred.
    func apply(in db: Database) throws {
        for table in tables { try delete(from: table, in: db) }
    }

    /// Deletes the tombstones' rows from `table` now (its index is there) and defers no later ones to it.
    mutating func stopDeferring(_ table: String, in db: Database) throws {
        guard let index = tables.firstIndex(where: { $0.name == table }) else { return }
        try delete(from: tables.remove(at: index), in: db)
    }

    private func delete(from table: Table, in db: Database) throws {
        let statement = try db.makeStatement(
            sql: "DELETE FROM \(table.name) WHERE sessionKey = ? AND \(table.position) < ?")
        for tombstone in tombstones {
            try statement.execute(arguments: [tombstone.sessionKey, tombstone.position])
        }
    }
}
