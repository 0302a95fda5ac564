internal import GRDB

/// A row of `sharedState`: one `app:` or `user:` state key shared by the sessions of an app (and user), as
/// ADK's own session services keep them, with the log position that last set it.
///
/// `userId` is empty for `app:` keys. Keys are stored with their prefix. Rows outlive the sessions that set
/// them (ADK keeps app and user state when a session is deleted); they are rebuilt from the
/// ``Sessions/StateUpdated`` events of every session in log order.
struct SharedStateRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sharedState"

    var namespace: String
    var appName: String
    var userId: String
    var key: String
    var value: String
    var position: Int64

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.namespace.stringValue, .text).notNull()
            t.column(CodingKeys.appName.stringValue, .text).notNull()
            t.column(CodingKeys.userId.stringValue, .text).notNull()
            t.column(CodingKeys.key.stringValue, .text).notNull()
            t.column(CodingKeys.value.stringValue, .text).notNull()
            t.column(CodingKeys.position.stringValue, .integer).notNull()
            t.primaryKey([
                CodingKeys.namespace.stringValue, CodingKeys.appName.stringValue, CodingKeys.userId.stringValue,
                CodingKeys.key.stringValue,
            ])
        }
    }
}
