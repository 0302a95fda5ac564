internal import GRDB

/// A row of `sessionField`: the value a changing session field took at a log position.
///
/// The field's value as of P is its row with the greatest `position ≤ P` (none: the field was unset).
/// Fields: ``Field/title`` (plain text), ``Field/userMemory``, ``Field/forkedFrom`` and ``Field/state`` (JSON). Callbacks
/// have their own temporal
/// table, and status flags are positions on `session` plus the event index.
struct SessionFieldRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sessionField"

    /// The fields that keep history here.
    enum Field: String {
        case title
        case userMemory
        /// The session's ``Sessions/ForkOrigin`` (JSON), recorded at its creation; never changes.
        case forkedFrom
        /// The session's own state keys (JSON object), after each ``Sessions/StateUpdated``.
        case state
    }

    var sessionId: String
    var field: String
    var position: Int64
    var value: String?

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let sessionId = Column(CodingKeys.sessionId)
        static let field = Column(CodingKeys.field)
        static let position = Column(CodingKeys.position)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.sessionId.stringValue, .text).notNull()
            t.column(CodingKeys.field.stringValue, .text).notNull()
            t.column(CodingKeys.position.stringValue, .integer).notNull()
            t.column(CodingKeys.value.stringValue, .text)
            t.primaryKey([Columns.sessionId.name, Columns.field.name, Columns.position.name])
        }
    }
}
