internal import GRDB

/// A row of `toolCall`: one call an assistant message made, keyed by the message's position and its index.
///
/// Immutable: calls live and die with their message; results are joined from `toolResult` by `toolCallId`.
/// `headJSON` is the call's export members before its result (``ExportMessageJSON/callHead(_:)``), the only copy
/// of its name and input.
struct ToolCallRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "toolCall"

    /// The session id's key in `stream` (``StreamRow``).
    var sessionKey: Int64
    var messagePosition: Int64
    var callIndex: Int
    var toolCallId: String
    var type: String?
    var headJSON: String

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let sessionKey = Column(CodingKeys.sessionKey)
        static let messagePosition = Column(CodingKeys.messagePosition)
        static let callIndex = Column(CodingKeys.callIndex)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.sessionKey.stringValue, .integer).notNull()
            t.column(CodingKeys.messagePosition.stringValue, .integer).notNull()
            t.column(CodingKeys.callIndex.stringValue, .integer).notNull()
            t.column(CodingKeys.toolCallId.stringValue, .text).notNull()
            t.column(CodingKeys.type.stringValue, .text)
            t.column(CodingKeys.headJSON.stringValue, .text).notNull()
            t.primaryKey([Columns.sessionKey.name, Columns.messagePosition.name, Columns.callIndex.name])
        }
    }
}
