import Foundation
internal import GRDB

/// A row of `eventIndex`: one event of a session — version, global position, time, type, who, and a summary
/// that names ids and sizes, never content.
///
/// It maps a version or a time to a position for as-of reads, and is the audit history. It survives a
/// session's deletion (it holds no bodies), so the tombstone and who deleted what stay visible.
struct EventIndexRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "eventIndex"

    /// The session id's key in `stream` (``StreamRow``).
    var sessionKey: Int64
    var version: Int64
    var position: Int64
    var recordedAt: Int64
    var type: String
    /// The event id's 16 bytes (``EventLog/EventID/init(blob:)``).
    var eventId: Data
    var actor: String?
    var requestId: String?
    /// Whether the event is conversation activity (it moves `lastActivityAt`).
    var isActivity: Bool
    var summary: String

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let sessionKey = Column(CodingKeys.sessionKey)
        static let version = Column(CodingKeys.version)
    }

    /// The index of every read: a session's events by version.
    static let bySessionIndex = "eventIndexBySession"

    /// A rowid table keyed by log position, so that each event appends to it; the session order is an index
    /// (``createIndexes(in:)``), which a rebuild builds once, sorted, after the bulk load.
    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.position.stringValue, .integer)
            t.column(CodingKeys.sessionKey.stringValue, .integer).notNull()
            t.column(CodingKeys.version.stringValue, .integer).notNull()
            t.column(CodingKeys.recordedAt.stringValue, .integer).notNull()
            t.column(CodingKeys.type.stringValue, .text).notNull()
            t.column(CodingKeys.eventId.stringValue, .blob).notNull()
            t.column(CodingKeys.actor.stringValue, .text)
            t.column(CodingKeys.requestId.stringValue, .text)
            t.column(CodingKeys.isActivity.stringValue, .boolean).notNull()
            t.column(CodingKeys.summary.stringValue, .text).notNull()
        }
        try createIndexes(in: db)
    }

    /// `(sessionKey, version)`, unique: what the primary key of a session-ordered table would be.
    static func createIndexes(in db: Database) throws {
        try db.create(
            index: bySessionIndex, on: databaseTableName, columns: [Columns.sessionKey.name, Columns.version.name],
            options: .unique)
    }
}
