internal import GRDB

/// A row of `callback`: one Mix callback in force from `addedPosition` until `removedPosition` (exclusive).
///
/// `callbacks.replaced` closes every live row and adds the new list, so the callbacks as of P are the rows
/// with `addedPosition ≤ P` and (`removedPosition` null or `> P`), in `(addedPosition, ordinal)` order.
struct CallbackRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "callback"

    var sessionId: String
    var addedPosition: Int64
    var ordinal: Int
    var removedPosition: Int64?
    var name: String?
    var toolName: String
    var type: String
    var bashCommand: String?
    var bashTimeout: Int?
    var subAgentPrompt: String?
    var subAgentType: String?
    var includeFullHistory: Bool?
    var messageContent: String?
    var excludeFromContext: Bool?

    /// The table's columns, for the schema and queries.
    enum Columns {
        static let sessionId = Column(CodingKeys.sessionId)
        static let addedPosition = Column(CodingKeys.addedPosition)
        static let ordinal = Column(CodingKeys.ordinal)
    }

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.sessionId.stringValue, .text).notNull()
            t.column(CodingKeys.addedPosition.stringValue, .integer).notNull()
            t.column(CodingKeys.ordinal.stringValue, .integer).notNull()
            t.column(CodingKeys.removedPosition.stringValue, .integer)
            t.column(CodingKeys.name.stringValue, .text)
            t.column(CodingKeys.toolName.stringValue, .text).notNull()
            t.column(CodingKeys.type.stringValue, .text).notNull()
            t.column(CodingKeys.bashCommand.stringValue, .text)
            t.column(CodingKeys.bashTimeout.stringValue, .integer)
            t.column(CodingKeys.subAgentPrompt.stringValue, .text)
            t.column(CodingKeys.subAgentType.stringValue, .text)
            t.column(CodingKeys.includeFullHistory.stringValue, .boolean)
            t.column(CodingKeys.messageContent.stringValue, .text)
            t.column(CodingKeys.excludeFromContext.stringValue, .boolean)
            t.primaryKey([Columns.sessionId.name, Columns.addedPosition.name, Columns.ordinal.name])
        }
    }
}
