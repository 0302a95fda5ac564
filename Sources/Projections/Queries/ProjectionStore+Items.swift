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
    /// - Returns: The items; `nil` when the session does not exist at that point.
    public func items(
        _ id: SessionID,
        at asOf: AsOf = .latest,
        since: Date? = nil,
        latest: Int? = nil
    ) async throws -> [SessionItem]? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT addedPosition, addedVersion, addedAt, messageId, role, item FROM transcriptMessage
                    WHERE sessionId = ? AND addedPosition <= ? AND item IS NOT NULL
                      AND (removedPosition IS NULL OR removedPosition > ?) AND addedAt >= ?
                    ORDER BY addedPosition DESC LIMIT ?
                    """,
                arguments: [row.id, position, position, since.map(Timestamp.micros) ?? Int64.min, latest ?? -1])
            return rows.reversed().compactMap { row in
                guard let item = ProjectionJSON.value(JSONValue.self, from: row[5] as String?) else { return nil }
                return SessionItem(
                    messageID: MessageID(rawValue: row[3])!, role: MessageRole(rawValue: row[4]) ?? .tool,
                    item: item, addedAt: Timestamp.date(row[2]), position: LogPosition(UInt64(row[0] as Int64)),
                    version: UInt64(row[1] as Int64))
            }
        }
    }

    /// A session's state as ADK reads it: its own keys at its point, plus the current `app:` keys of its app
    /// and `user:` keys of its app and user, prefixes kept (the shared keys have no as-of: ADK's services
    /// keep only their current value).
    public func state(of session: SessionSnapshot) async throws -> JSONObject {
        guard let appName = session.appName else { return session.state }
        let rows = try await read { db in
            try SharedStateRow.fetchAll(
                db,
                sql: """
                    SELECT * FROM sharedState WHERE namespace = ? AND appName = ? AND (userId = '' OR userId = ?)
                    """,
                arguments: [session.namespace, appName, session.userID ?? ""])
        }
        var state = session.state
        for row in rows {
            let scope = StateScope(key: row.key)
            guard scope == .app ? row.userId.isEmpty : !row.userId.isEmpty else { continue }
            state[row.key] = ProjectionJSON.value(JSONValue.self, from: row.value) ?? .null
        }
        return state
    }
}
