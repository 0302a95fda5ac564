internal import GRDB

/// A row of `toolResult`: one recorded result of a tool call, keyed by the recording event's position.
///
/// A call's result as of P is its latest row with `position ≤ P` (a partial result may be replaced). The result
/// text is stored as its JSON string literal (``JSONStringLiteral``, through ``StoredText``): an export copies
/// it, and only readers of the text itself unescape it (decision 0108).
struct ToolResultRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolResult"

    var position: Int64
    /// The session id's key in `stream` (``StreamRow``).
    var sessionKey: Int64
    var toolCallId: String
    var messageId: String
    var resultLiteral: String
    var metadata: String?
    var isError: Bool
    /// The screenshot URLs as a JSON array of strings.
    var screenshotUrls: String
    var finished: Bool

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let position = Column(CodingKeys.position)
        static let sessionKey = Column(CodingKeys.sessionKey)
    }

    static let bySessionIndex = "toolResultBySession"

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.position.stringValue, .integer)
            t.column(CodingKeys.sessionKey.stringValue, .integer).notNull()
            t.column(CodingKeys.toolCallId.stringValue, .text).notNull()
            t.column(CodingKeys.messageId.stringValue, .text).notNull()
            t.column(CodingKeys.resultLiteral.stringValue, .text).notNull()
            t.column(CodingKeys.metadata.stringValue, .text)
            t.column(CodingKeys.isError.stringValue, .boolean).notNull()
            t.column(CodingKeys.screenshotUrls.stringValue, .text).notNull()
            t.column(CodingKeys.finished.stringValue, .boolean).notNull()
        }
        try createIndexes(in: db)
    }

    /// The session's results in log order. A rebuild builds it after its bulk load (``ProjectionSchema/deferredIndexes``).
    static func createIndexes(in db: Database) throws {
        try db.create(
            index: bySessionIndex, on: databaseTableName, columns: [Columns.sessionKey.name, Columns.position.name])
    }
}
