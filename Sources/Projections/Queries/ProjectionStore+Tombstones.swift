import Foundation
internal import GRDB
import Sessions

extension ProjectionStore {
    /// Which of `streams` (session ids) have been permanently deleted: their tombstone is projected.
    ///
    /// The event index keeps every event of a deleted session (no bodies), so the tombstone is found by the
    /// index's primary key prefix, one session at a time, without touching the log.
    public func deletedSessions(among streams: Set<String>) async throws -> Set<String> {
        guard !streams.isEmpty else { return [] }
        let ids = Array(streams)
        return try await read { db in
            var deleted: Set<String> = []
            // SQLite's default limit on bound variables is well above a page, but stay clear of it.
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let found = try String.fetchAll(
                db, sql: """
                        SELECT DISTINCT stream.id FROM eventIndex JOIN stream ON stream.key = eventIndex.sessionKey
                        WHERE stream.id IN (\(marks)) AND type = ?
                        """,
                    arguments: StatementArguments(Array(chunk) + [EventType.sessionDeleted.rawValue]))
                deleted.formUnion(found)
            }
            return deleted
        }
    }
}
