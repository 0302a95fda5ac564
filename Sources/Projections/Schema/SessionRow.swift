internal import GRDB

/// A row of `session`: one per existing (created, not deleted) session, with its current fields and counters.
///
/// Times are microseconds since 1970 (the log's unit); JSON columns hold the codec's compact, sorted JSON.
/// Counters are kept up to date by the projector; their history is derived from `transcriptMessage`.
struct SessionRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "session"

    var id: String
    var namespace: String
    var origin: String
    var title: String?
    var customSystemPrompt: String?
    var promptMode: String
    var browserMode: String
    var cdpUrl: String?
    var sessionType: String
    var subagentType: String?
    var parentSessionId: String?
    var parentToolCallId: String?
    var userId: String?
    var agentConfig: String?
    var quotas: String?
    var userMemory: String?
    var metadata: String?
    var enableMemory: Bool?
    var expiresAt: Int64?
    var createdPosition: Int64
    var createdAt: Int64
    var updatedAt: Int64
    var lastActivityAt: Int64
    var version: Int64
    var lastPosition: Int64
    var isProcessing: Bool
    var archivedPosition: Int64?
    var archivedAt: Int64?
    var terminatedPosition: Int64?
    var terminatedAt: Int64?
    var userMessageCount: Int
    var assistantMessageCount: Int
    var toolCallCount: Int
    var promptTokens: Int
    var completionTokens: Int
    var cost: Double
    var messageCount: Int
    var totalMessages: Int
    var totalToolCalls: Int
    var latencySumMs: Double
    var latencySamples: Int
    var firstUserMessagePosition: Int64?
    var appName: String?
    var state: String?

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let namespace = Column(CodingKeys.namespace)
        static let createdAt = Column(CodingKeys.createdAt)
        static let createdPosition = Column(CodingKeys.createdPosition)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.primaryKey(CodingKeys.id.stringValue, .text)
            t.column(CodingKeys.namespace.stringValue, .text).notNull()
            t.column(CodingKeys.origin.stringValue, .text).notNull()
            t.column(CodingKeys.title.stringValue, .text)
            t.column(CodingKeys.customSystemPrompt.stringValue, .text)
            t.column(CodingKeys.promptMode.stringValue, .text).notNull()
            t.column(CodingKeys.browserMode.stringValue, .text).notNull()
            t.column(CodingKeys.cdpUrl.stringValue, .text)
            t.column(CodingKeys.sessionType.stringValue, .text).notNull()
            t.column(CodingKeys.subagentType.stringValue, .text)
            t.column(CodingKeys.parentSessionId.stringValue, .text)
            t.column(CodingKeys.parentToolCallId.stringValue, .text)
            t.column(CodingKeys.userId.stringValue, .text)
            t.column(CodingKeys.agentConfig.stringValue, .text)
            t.column(CodingKeys.quotas.stringValue, .text)
            t.column(CodingKeys.userMemory.stringValue, .text)
            t.column(CodingKeys.metadata.stringValue, .text)
            t.column(CodingKeys.enableMemory.stringValue, .boolean)
            t.column(CodingKeys.expiresAt.stringValue, .integer)
            t.column(CodingKeys.createdPosition.stringValue, .integer).notNull()
            t.column(CodingKeys.createdAt.stringValue, .integer).notNull()
            t.column(CodingKeys.updatedAt.stringValue, .integer).notNull()
            t.column(CodingKeys.lastActivityAt.stringValue, .integer).notNull()
            t.column(CodingKeys.version.stringValue, .integer).notNull()
            t.column(CodingKeys.lastPosition.stringValue, .integer).notNull()
            t.column(CodingKeys.isProcessing.stringValue, .boolean).notNull()
            t.column(CodingKeys.archivedPosition.stringValue, .integer)
            t.column(CodingKeys.archivedAt.stringValue, .integer)
            t.column(CodingKeys.terminatedPosition.stringValue, .integer)
            t.column(CodingKeys.terminatedAt.stringValue, .integer)
            for counter: CodingKeys in [
                .userMessageCount, .assistantMessageCount, .toolCallCount, .promptTokens, .completionTokens,
                .messageCount, .totalMessages, .totalToolCalls, .latencySamples,
            ] {
                t.column(counter.stringValue, .integer).notNull()
            }
            t.column(CodingKeys.cost.stringValue, .double).notNull()
            t.column(CodingKeys.latencySumMs.stringValue, .double).notNull()
            t.column(CodingKeys.firstUserMessagePosition.stringValue, .integer)
            t.column(CodingKeys.appName.stringValue, .text)
            t.column(CodingKeys.state.stringValue, .text)
        }
        try db.create(
            index: "sessionByNamespace", on: databaseTableName,
            columns: [Columns.namespace.name, Columns.createdAt.name])
    }
}
