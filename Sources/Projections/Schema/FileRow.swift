internal import GRDB

/// A row of `file`: a file attached from `addedPosition` until `removedPosition` (exclusive).
struct FileRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "file"

    var sessionId: String
    var addedPosition: Int64
    var addedVersion: Int64
    var addedAt: Int64
    var fileId: String
    var name: String
    var mediaType: String?
    var byteCount: Int?
    var sha256: String?
    var removedPosition: Int64?

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let sessionId = Column(CodingKeys.sessionId)
        static let addedPosition = Column(CodingKeys.addedPosition)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.sessionId.stringValue, .text).notNull()
            t.column(CodingKeys.addedPosition.stringValue, .integer).notNull()
            t.column(CodingKeys.addedVersion.stringValue, .integer).notNull()
            t.column(CodingKeys.addedAt.stringValue, .integer).notNull()
            t.column(CodingKeys.fileId.stringValue, .text).notNull()
            t.column(CodingKeys.name.stringValue, .text).notNull()
            t.column(CodingKeys.mediaType.stringValue, .text)
            t.column(CodingKeys.byteCount.stringValue, .integer)
            t.column(CodingKeys.sha256.stringValue, .text)
            t.column(CodingKeys.removedPosition.stringValue, .integer)
            t.primaryKey([Columns.sessionId.name, Columns.addedPosition.name])
        }
    }
}
