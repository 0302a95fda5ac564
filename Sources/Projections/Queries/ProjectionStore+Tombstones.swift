import EventLog
import Foundation
internal import GRDB
import Sessions

extension ProjectionStore {
    /// The latest projected tombstone of each of `streams` (session ids) that has one: each such session has been
    /// permanently deleted up to that tombstone, and may have been created again after it (decision 0177).
    ///
    /// The event index keeps every event of a deleted session (no bodies), so the tombstones are found by the
    /// index's primary key prefix, one session at a time, without touching the log. Versions and positions grow
    /// together along a stream, so the latest tombstone holds both maxima.
    public func latestTombstones(among streams: Set<String>) async throws -> [String: Tombstone] {
        guard !streams.isEmpty else { return [:] }
        let ids = Array(streams)
        return try await read { db in
            var tombstones: [String: Tombstone] = [:]
            // SQLite's default limit on bound variables is well above a page, but stay clear of it.
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                tombstones.merge(
                    try Self.tombstones(
                        db,
                        sql: """
                            SELECT stream.id, MAX(eventIndex.version), MAX(eventIndex.position)
                            FROM eventIndex JOIN stream ON stream.key = eventIndex.sessionKey
                            WHERE stream.id IN (\(marks)) AND type = ?
                            GROUP BY stream.id
                            """,
                        arguments: StatementArguments(Array(chunk) + [EventType.sessionDeleted.rawValue])),
                    uniquingKeysWith: { $1 })
            }
            return tombstones
        }
    }

    /// The stream version of the latest projected tombstone of `stream` (0 when it has none).
    public func latestTombstoneVersion(of stream: String) async throws -> UInt64 {
        try await latestTombstones(among: [stream])[stream]?.version ?? 0
    }

    /// The tombstones a query answers, one row per session: its id, the tombstone's version, then its position.
    static func tombstones(_ db: Database, sql: String, arguments: StatementArguments) throws -> [String: Tombstone] {
        var tombstones: [String: Tombstone] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            let version: Int64 = row[1]
            let position: Int64 = row[2]
            tombstones[row[0] as String] = Tombstone(version: UInt64(version), position: LogPosition(UInt64(position)))
        }
        return tombstones
    }
}
