internal import GRDB

/// A row of `namespace`: a tenant and how many of its sessions exist and were deleted.
struct NamespaceRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "namespace"

    var name: String
    var sessionCount: Int
    var deletedCount: Int

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let name = Column(CodingKeys.name)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.name.stringValue, .text)
            t.column(CodingKeys.sessionCount.stringValue, .integer).notNull()
            t.column(CodingKeys.deletedCount.stringValue, .integer).notNull()
        }
    }
}
