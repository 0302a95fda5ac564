internal import GRDB

/// A row of `sharedState`: the latest value one session set for an `app:` or `user:` state key shared by the
/// sessions of an app (and user), as ADK's own session services share them, with the log position that set it.
///
/// `userId` is empty for `app:` keys. Keys are stored with their prefix. A key's current value is that of its
/// row with the highest position. Rows outlive a deleted session (ADK keeps app and user state when a session
/// is deleted) until compaction erases its events; then its rows go, and each key falls back to what the
/// remaining sessions set — exactly what a rebuild of the compacted log projects (decision 0075).
struct SharedStateRow: Codable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sharedState"

    var namespace: String
    var appName: String
    var userId: String
    var key: String
    var sessionId: String
    var value: String
    var position: Int64

    static func create(in db: Database) throws {
        try db.create(table: databaseTableName, options: .withoutRowID) { t in
            t.column(CodingKeys.namespace.stringValue, .text).notNull()
            t.column(CodingKeys.appName.stringValue, .text).notNull()
            t.column(CodingKeys.userId.stringValue, .text).notNull()
            t.column(CodingKeys.key.stringValue, .text).notNull()
            t.column(CodingKeys.sessionId.stringValue, .text).notNull()
            t.column(CodingKeys.value.stringValue, .text).notNull()
            t.column(CodingKeys.position.stringValue, .integer).notNull()
            t.primaryKey([
                CodingKeys.namespace.stringValue, CodingKeys.appName.stringValue, CodingKeys.userId.stringValue,
                CodingKeys.key.stringValue, CodingKeys.sessionId.stringValue,
            ])
        }
    }
}
