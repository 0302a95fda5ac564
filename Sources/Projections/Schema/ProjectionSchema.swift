internal import GRDB

/// The projection database's schema and its version.
///
/// Projections are disposable, so a schema change is never migrated in place: bump ``version``, and a
/// database of an older version is rebuilt from the log at start (docs/decisions/0004). The migrator still
/// creates the schema, so that `grdb_migrations` records what built the file.
enum ProjectionSchema {
    /// The schema version this build writes; stored in `PRAGMA user_version`.
    static let version = 13

    /// Every table, in creation order (also the order `verify` compares them).
    static let tables = [
        SessionRow.databaseTableName, TranscriptMessageRow.databaseTableName, ToolCallRow.databaseTableName,
        ToolResultRow.databaseTableName, CallbackResultRow.databaseTableName, CallbackRow.databaseTableName,
        FileRow.databaseTableName, SessionFieldRow.databaseTableName, EventIndexRow.databaseTableName,
        NamespaceRow.databaseTableName, CheckpointRow.databaseTableName, SharedStateRow.databaseTableName,
        StreamRow.databaseTableName,
    ]

    /// The migrator that creates the current schema in an empty database.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("projectionSchema\(version)") { db in
            try SessionRow.create(in: db)
            try TranscriptMessageRow.create(in: db)
            try ToolCallRow.create(in: db)
            try ToolResultRow.create(in: db)
            try CallbackResultRow.create(in: db)
            try CallbackRow.create(in: db)
            try FileRow.create(in: db)
            try SessionFieldRow.create(in: db)
            try EventIndexRow.create(in: db)
            try NamespaceRow.create(in: db)
            try CheckpointRow.create(in: db)
            try SharedStateRow.create(in: db)
            try StreamRow.create(in: db)
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
        return migrator
    }

    /// Indexes the projector never reads while a rebuild applies events (a tombstone's deletes through them
    /// wait for the end, ``DeferredDeletes``; rewinds find live messages in ``LiveMessages``). A rebuild drops
    /// them before its bulk load and creates them at the end: one sorted build instead of a random B-tree
    /// insert per event.
    static let deferredIndexes: [(name: String, create: @Sendable (Database) throws -> Void)] = [
        (EventIndexRow.bySessionIndex, EventIndexRow.createIndexes(in:)),
        (ToolResultRow.bySessionIndex, ToolResultRow.createIndexes(in:)),
        (TranscriptMessageRow.bySessionIndex, TranscriptMessageRow.createIndexes(in:)),
        (TranscriptMessageRow.userMessagesByTimeIndex, TranscriptMessageRow.createUserMessagesIndex(in:)),
    ]

    /// The schema version stored in a database (0 for an empty file).
    static func storedVersion(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    }
}
