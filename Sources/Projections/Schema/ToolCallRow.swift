internal import GRDB

/// A row of `toolCall`: one call an assistant message made, keyed by the message's position and its index.
///
/// Immutable: calls live and die with their message; results are joined from `toolResult` by `toolCallId`.
/// `headJSON` is the call's export members before its result (``ExportMessageJSON/callHead(_:)``), the only copy
/// of its name and input.
struct ToolCallRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolCall"

    var sessionId: String
    var messagePosition: Int64
    var callIndex: Int
    var toolCallId: String
    var type: String?
    var headJSON: String

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let sessionId = Column(CodingKeys.sessionId)
        static let messagePosition = Column(CodingKeys.messagePosition)
        static let callIndex = Column(CodingKeys.callIndex)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.sessionId.stringValue, .text).notNull()
            t.column(CodingKeys.messagePosition.stringValue, .integer).notNull()
            t.column(CodingKeys.callIndex.stringValue, .integer).notNull()
            t.column(CodingKeys.toolCallId.stringValue, .text).notNull()
            t.column(CodingKeys.type.stringValue, .text)
            t.column(CodingKeys.headJSON.stringValue, .text).notNull()
            t.primaryKey([Columns.sessionId.name, Columns.messagePosition.name, Columns.callIndex.name])
        }
    }

    /// Where a rebuild appends its calls in log order (decision 0148): a connection's temporary table, moved into
    /// `toolCall` sorted by its key once, at the end (``moveLoaded(in:)``), instead of a random insert per call
    /// into a table keyed by session across 10,000 interleaved sessions.
    static let loadTableName = "toolCallLoad"

    /// Creates the load table in the connection's temporary schema.
    static func createLoadTable(in db: Database) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE \(loadTableName) (sessionId TEXT NOT NULL, messagePosition INTEGER NOT NULL,
                  callIndex INTEGER NOT NULL, toolCallId TEXT NOT NULL, type TEXT, headJSON TEXT NOT NULL)
                """)
    }

    /// Moves the loaded calls into `toolCall` in its key's order and drops the load table.
    static func moveLoaded(in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO \(databaseTableName) (sessionId, messagePosition, callIndex, toolCallId, type, headJSON)
                SELECT sessionId, messagePosition, callIndex, toolCallId, type, headJSON FROM temp.\(loadTableName)
                ORDER BY sessionId, messagePosition, callIndex;
                DROP TABLE temp.\(loadTableName)
                """)
    }
}
