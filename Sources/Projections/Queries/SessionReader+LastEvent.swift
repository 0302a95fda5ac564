internal import GRDB

extension SessionReader {
    /// A session's event, as the event index records it.
    struct IndexedEvent: Equatable {
        var version: Int64
        var position: Int64
        var recordedAt: Int64
    }

    /// The session's last event at or before the global log position `position`, `nil` when it has none.
    ///
    /// Within a session, positions grow with versions, so a binary search over the event index's session index
    /// `(sessionKey, version)` finds it in about log2(versions) lookups; `WHERE position <= ? ORDER BY version
    /// DESC` instead scanned every later event of the session (the whole tail of a long session for an early
    /// point).
    func lastEvent(of id: String, atOrBefore position: Int64) throws -> IndexedEvent? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT version, position, recordedAt FROM eventIndex
                WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND version >= ?
                ORDER BY version LIMIT 1
                """)
        func first(from version: Int64) throws -> IndexedEvent? {
            try Row.fetchOne(statement, arguments: [id, version]).map {
                IndexedEvent(version: $0[0], position: $0[1], recordedAt: $0[2])
            }
        }
        // Invariant: every event with a version above `high` lies after `position`; `found` is the latest event
        // known to lie at or before it, and every version below `low` has been ruled out or is `found`.
        var found: IndexedEvent?
        var low: Int64 = 0
        guard
            var high = try Int64.fetchOne(
                db.cachedStatement(sql: """
                    SELECT version FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?)
                    ORDER BY version DESC LIMIT 1
                    """),
                arguments: [id])
        else { return nil }
        while low <= high {
            let middle = low + (high - low) / 2
            if let event = try first(from: middle), event.position <= position {
                found = event
                low = event.version + 1
            } else {
                high = middle - 1
            }
        }
        return found
    }
}
