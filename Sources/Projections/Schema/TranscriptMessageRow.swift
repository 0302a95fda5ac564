internal import GRDB

/// A row of `transcriptMessage`: one message as appended, keyed by the log position that added it.
///
/// Temporal: `removedPosition` is null until a rewind removes the message. The transcript as of position P
/// is the rows with `addedPosition ≤ P` and (`removedPosition` null or `> P`), a range scan of
/// `transcriptMessageBySession`. Tool calls live in `toolCall`, results in `toolResult`.
///
/// `headJSON` and `tailJSON` are the message's export members rendered once, when it was appended
/// (``ExportMessageJSON``): an export copies them (decision 0108). They are the only copy of the text,
/// reasoning, model and finish reason; `hasText` tells a missing text from an empty one.
struct TranscriptMessageRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "transcriptMessage"

    var addedPosition: Int64
    /// The session id's key in `stream` (``StreamRow``).
    var sessionKey: Int64
    var addedVersion: Int64
    var addedAt: Int64
    var messageId: String
    var role: String
    var hasText: Bool
    var inputTokens: Int?
    var outputTokens: Int?
    var cacheCreationTokens: Int?
    var cacheReadTokens: Int?
    var cost: Double?
    var latencyMs: Double?
    var metadata: String?
    var toolCallCount: Int
    var item: String?
    /// The export members before the tool calls (`"id":…,"role":…,"content":…`).
    var headJSON: String
    /// The export members after the results (`"reasoning":…` to `"updatedAt":…`, the item).
    var tailJSON: String
    var removedPosition: Int64?
    var removedVersion: Int64?
    var removedAt: Int64?

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let addedPosition = Column(CodingKeys.addedPosition)
        static let sessionKey = Column(CodingKeys.sessionKey)
        static let removedPosition = Column(CodingKeys.removedPosition)
    }

    /// The index every as-of read of a transcript scans.
    static let bySessionIndex = "transcriptMessageBySession"

    /// The live user messages by time, for Mix's message history across sessions: a page reads the index's end
    /// instead of sorting every user message. New entries land at its end, so a commit writes one of its leaves,
    /// not one per session as the session indexes do.
    static let userMessagesByTimeIndex = "transcriptUserMessageByTime"

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.addedPosition.stringValue, .integer)
            t.column(CodingKeys.sessionKey.stringValue, .integer).notNull()
            t.column(CodingKeys.addedVersion.stringValue, .integer).notNull()
            t.column(CodingKeys.addedAt.stringValue, .integer).notNull()
            t.column(CodingKeys.messageId.stringValue, .text).notNull()
            t.column(CodingKeys.role.stringValue, .text).notNull()
            t.column(CodingKeys.hasText.stringValue, .boolean).notNull()
            t.column(CodingKeys.inputTokens.stringValue, .integer)
            t.column(CodingKeys.outputTokens.stringValue, .integer)
            t.column(CodingKeys.cacheCreationTokens.stringValue, .integer)
            t.column(CodingKeys.cacheReadTokens.stringValue, .integer)
            t.column(CodingKeys.cost.stringValue, .double)
            t.column(CodingKeys.latencyMs.stringValue, .double)
            t.column(CodingKeys.metadata.stringValue, .text)
            t.column(CodingKeys.toolCallCount.stringValue, .integer).notNull()
            t.column(CodingKeys.item.stringValue, .text)
            t.column(CodingKeys.headJSON.stringValue, .text).notNull()
            t.column(CodingKeys.tailJSON.stringValue, .text).notNull()
            t.column(CodingKeys.removedPosition.stringValue, .integer)
            t.column(CodingKeys.removedVersion.stringValue, .integer)
            t.column(CodingKeys.removedAt.stringValue, .integer)
        }
        try createIndexes(in: db)
        try createUserMessagesIndex(in: db)
    }

    /// The session's messages in log order. A rebuild builds it after its bulk load
    /// (``ProjectionSchema/deferredIndexes``).
    static func createIndexes(in db: Database) throws {
        try db.create(
            index: bySessionIndex, on: databaseTableName,
            columns: [Columns.sessionKey.name, Columns.addedPosition.name])
    }

    /// Built after a rebuild's bulk load too (``ProjectionSchema/deferredIndexes``). Its condition is the history
    /// query's, word for word, so SQLite can use it.
    static func createUserMessagesIndex(in db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX \(userMessagesByTimeIndex) ON \(databaseTableName)(addedAt, addedPosition)
            WHERE role = 'user' AND removedPosition IS NULL
            """)
    }
}
