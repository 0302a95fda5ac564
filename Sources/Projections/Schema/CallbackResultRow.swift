internal import GRDB

/// A row of `callbackResult`: one Mix callback execution, keyed by the recording event's position.
struct CallbackResultRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "callbackResult"

    var position: Int64
    var sessionId: String
    var messageId: String
    var toolCallId: String
    var toolName: String
    var callbackName: String?
    var callbackType: String
    var stdout: String?
    var stderr: String?
    var exitCode: Int?
    var subagentId: String?
    var subagentResult: String?
    var success: Bool
    var error: String?
    var excludeFromContext: Bool
    var subagentCost: Double?

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let position = Column(CodingKeys.position)
        static let sessionId = Column(CodingKeys.sessionId)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.position.stringValue, .integer)
            t.column(CodingKeys.sessionId.stringValue, .text).notNull()
            t.column(CodingKeys.messageId.stringValue, .text).notNull()
            t.column(CodingKeys.toolCallId.stringValue, .text).notNull()
            t.column(CodingKeys.toolName.stringValue, .text).notNull()
            t.column(CodingKeys.callbackName.stringValue, .text)
            t.column(CodingKeys.callbackType.stringValue, .text).notNull()
            t.column(CodingKeys.stdout.stringValue, .text)
            t.column(CodingKeys.stderr.stringValue, .text)
            t.column(CodingKeys.exitCode.stringValue, .integer)
            t.column(CodingKeys.subagentId.stringValue, .text)
            t.column(CodingKeys.subagentResult.stringValue, .text)
            t.column(CodingKeys.success.stringValue, .boolean).notNull()
            t.column(CodingKeys.error.stringValue, .text)
            t.column(CodingKeys.excludeFromContext.stringValue, .boolean).notNull()
            t.column(CodingKeys.subagentCost.stringValue, .double)
        }
        try db.create(
            index: "callbackResultBySession", on: databaseTableName,
            columns: [Columns.sessionId.name, Columns.position.name])
    }
}
