internal import GRDB

/// A row of `stream`: a session id and the integer key that stands for it in the large per-event tables
/// (`eventIndex`, `transcriptMessage`, `toolCall`, `toolResult`) and their session indexes (decision 0166).
///
/// A key is given the first time the projection sees a record of the id and is never taken back: a deleted
/// session's audit history stays in `eventIndex`, and an id may be used again after its tombstone. Keys are
/// given in log order (compaction erases records in place), so a rebuild gives the same ones; `sessiond verify`
/// still compares those tables through the ids (``ProjectionStore/differences(from:)``): what matters is the
/// session a row belongs to, not the number standing for it.
/// Readers holding an id write `WHERE sessionKey = (SELECT key FROM stream WHERE id = ?)`: SQLite runs the
/// subquery once and still searches the table's session index.
struct StreamRow {
    static let databaseTableName = "stream"

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey("key", .integer)
            t.column("id", .text).notNull().unique()
        }
    }
}
