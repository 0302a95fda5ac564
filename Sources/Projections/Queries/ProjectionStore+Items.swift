import EventLog
import Foundation
internal import GRDB
import Sessions

extension ProjectionStore {
    /// A session's framework items live at a point of its history, oldest first: one range scan of
    /// `transcriptMessageBySession`.
    /// - Parameters:
    ///   - id: The session.
    ///   - asOf: The point.
    ///   - since: Only items appended at or after this time.
    ///   - latest: Only the last this many (still returned oldest first); all when `nil`.
    ///   - includeRemoved: Also the items a pop, clear or rewind removed by that point, where they were
    ///     appended (a framework that filters rewinds itself, as ADK does, reads them back).
    /// - Returns: The items; `nil` when the session does not exist at that point.
    public func items(
        _ id: SessionID,
        at asOf: AsOf = .latest,
        since: Date? = nil,
        latest: Int? = nil,
        includeRemoved: Bool = false
    ) async throws -> [SessionItem]? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT addedPosition, addedVersion, addedAt, messageId, role, item,
                      removedPosition IS NOT NULL AND removedPosition <= ? FROM transcriptMessage
                    WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND addedPosition <= ? AND item IS NOT NULL
                      AND (? OR removedPosition IS NULL OR removedPosition > ?) AND addedAt >= ?
                    ORDER BY addedPosition DESC LIMIT ?
                    """,
                arguments: [
                    position, row.id, position, includeRemoved, position, since.map(Timestamp.micros) ?? Int64.min,
                    latest ?? -1,
                ])
            return rows.reversed().map { row in Self.item(row, removed: row[6] as Bool) }
        }
    }

    /// The items appended after version `after` and live at version `version`, oldest first: what a reader
    /// holding the session's items at `after` lacks to hold them at `version`. `nil` when an item was removed
    /// between the two (a pop, clear or rewind: the reader must read them all again) or the session does not
    /// exist. Reads only the events and items of that span, over `eventIndexBySession` and
    /// `transcriptMessageBySession`, not the whole transcript (a read after a write finds no page cached).
    public func itemsAppended(_ id: SessionID, after: UInt64, upTo version: UInt64) async throws -> [SessionItem]? {
        try await read { db in
            guard let row = try SessionReader(db: db).row(id) else { return nil }
            return try Self.itemsAppended(row.id, after: after, upTo: version, in: db)
        }
    }

    /// The latest snapshot of a session and ``itemsAppended(_:after:upTo:)`` up to its version, in one read
    /// (a reader after another writer's append, whose cached snapshot that write dropped). The items are `nil`
    /// also when `after` is ahead of the snapshot. `nil` when the session does not exist.
    public func latestWithItemsAppended(
        _ id: SessionID,
        after: UInt64
    ) async throws -> (session: SessionSnapshot, appended: [SessionItem]?)? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: .latest) else {
                return nil
            }
            let session = try reader.snapshot(row, at: position)
            guard after <= session.version else { return (session, nil) }
            return (session, try Self.itemsAppended(row.id, after: after, upTo: session.version, in: db))
        }
    }

    private static func itemsAppended(_ id: String, after: UInt64, upTo version: UInt64, in db: Database) throws
        -> [SessionItem]?
    {
        // The reader already holds that version (an unchanged read, answered `304` when it asks so).
        if after == version { return [] }
        let removed = try Bool.fetchOne(
            db.cachedStatement(sql: """
                SELECT EXISTS(SELECT 1 FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?)
                  AND version > ? AND version <= ? AND type IN (?, ?, ?, ?))
                """),
            arguments: [id, Int64(after), Int64(version)] + StatementArguments(removingTypes))
        guard removed == false else { return nil }
        // Positions grow with versions: the items appended after `after` are past its event's position (`>=`
        // keeps that true even if several events shared one; the version filters decide).
        let start = try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT position FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND version = ?
                """),
            arguments: [id, Int64(after)]) ?? Int64.min
        return try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT addedPosition, addedVersion, addedAt, messageId, role, item FROM transcriptMessage
                WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND addedPosition >= ? AND item IS NOT NULL
                  AND addedVersion > ? AND addedVersion <= ? AND (removedVersion IS NULL OR removedVersion > ?)
                ORDER BY addedPosition
                """),
            arguments: [id, start, Int64(after), Int64(version), Int64(version)]
        ).map { item($0, removed: false) }
    }

    /// The event types whose projection can mark items removed (``Projector``'s `removeMessages`), `event.erased`,
    /// which an index row of any type may become, and `session.deleted`, after which the id may be created again
    /// with none of the earlier session's items (decision 0177): one of them in a span sends the whole list.
    private static let removingTypes = [
        EventType.sessionRewound.rawValue, EventType.messagesRemoved.rawValue, EventType.eventErased.rawValue,
        EventType.sessionDeleted.rawValue,
    ]

    /// An item from the columns `addedPosition, addedVersion, addedAt, messageId, role, item`.
    private static func item(_ row: Row, removed: Bool) -> SessionItem {
        SessionItem(
            messageID: MessageID(rawValue: row[3])!, role: MessageRole(rawValue: row[4]) ?? .tool,
            itemJSON: StoredText.decode(row, 5) ?? "null", addedAt: Timestamp.date(row[2]),
            position: LogPosition(UInt64(row[0] as Int64)), version: UInt64(row[1] as Int64), removed: removed)
    }

    /// A session's state as ADK reads it: its own keys at its point, plus the current `app:` keys of its app
    /// and `user:` keys of its app and user, prefixes kept (the shared keys have no as-of: ADK's services
    /// keep only their current value).
    public func state(of session: SessionSnapshot) async throws -> JSONObject {
        guard let appName = session.appName else { return session.state }
        return session.state.merging(
            try await sharedState(namespace: session.namespace, appName: appName, userID: session.userID)
        ) { _, shared in shared }
    }

    /// The current shared state of an app: its `app:` keys and, with a user, that user's `user:` keys,
    /// prefixes kept. Each key holds the value the latest `state.updated` of a session not yet erased set
    /// (decision 0075): a deleted session's keys stay, as in ADK, until compaction erases its events.
    public func sharedState(namespace: String, appName: String, userID: String?) async throws -> JSONObject {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT userId, key, value, MAX(position) FROM sharedState
                    WHERE namespace = ? AND appName = ? AND (userId = '' OR userId = ?)
                    GROUP BY userId, key
                    """,
                arguments: [namespace, appName, userID ?? ""])
            var state: JSONObject = [:]
            for row in rows {
                let owner: String = row[0]
                let key: String = row[1]
                guard StateScope(key: key) == .app ? owner.isEmpty : !owner.isEmpty else { continue }
                state[key] = ProjectionJSON.value(JSONValue.self, from: row[2] as String?) ?? .null
            }
            return state
        }
    }
}
