internal import GRDB

/// A row of `checkpoint`: how far a read model has applied the log, written in the same transaction as the
/// rows it covers (see `Checkpoint`).
struct CheckpointRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "checkpoint"

    var name: String
    var position: Int64

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let name = Column(CodingKeys.name)
        static let position = Column(CodingKeys.position)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.name.stringValue, .text)
            t.column(CodingKeys.position.stringValue, .integer).notNull()
        }
    }
}
