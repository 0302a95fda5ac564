import EventLog
import Projections
import Sessions

/// Which records of the global feeds (`/v1/events`, `/v1/events/stream`) a request may see: all of them on
/// an open daemon, only its namespace's sessions' records for a request made with an API key.
///
/// A record's namespace is its session's, looked up in the projections once they have applied the record
/// (so a session created a moment ago is found) and remembered per session for the request. Records of a
/// permanently deleted session are no longer anyone's; an open daemon still shows them, with their bodies
/// withheld (the bytes themselves go at the next compaction).
///
/// What it learned is kept for the ``remembered`` sessions used last: a subscription that stays open for days over
/// a busy log would otherwise grow by an entry per session it ever saw. A session forgotten is looked up again.
struct RecordVisibility {
    let namespace: String?
    let backend: SessionBackend
    private var known = LeastRecentlyUsedCache<String, Bool>(capacity: remembered, byteLimit: .max)
    private var deleted = LeastRecentlyUsedCache<String, Bool>(capacity: remembered, byteLimit: .max)
    /// Sessions whose visibility and deletion a reader keeps (≈ 100 bytes each).
    static let remembered = 10_000

    init(namespace: String?, backend: SessionBackend) {
        self.namespace = namespace
        self.backend = backend
    }

    /// Learns in one projection query which of a catch-up page's sessions are deleted; a session whose tombstone the
    /// page holds is, whether or not the projections have applied it yet.
    mutating func lookUpDeletions(among records: [LogRecord]) async throws {
        for record in records where record.type == EventType.sessionDeleted.rawValue {
            deleted.insert(true, bytes: 0, for: record.stream)
        }
        let unknown = Set(records.map(\.stream)).filter { deleted.value(for: $0) == nil }
        let found = try await backend.store.deletedSessions(among: unknown)
        for stream in unknown { deleted.insert(found.contains(stream), bytes: 0, for: stream) }
    }

    /// The record as this request may see it: `nil` when it is not the request's, its body withheld when its
    /// session has been deleted (known from the projections, or from a tombstone this reader has passed).
    mutating func event(for record: LogRecord) async throws -> NativeEvent? {
        guard try await admits(record) else { return nil }
        let isDeleted: Bool
        if record.type == EventType.sessionDeleted.rawValue {
            isDeleted = true
            deleted.insert(true, bytes: 0, for: record.stream)
        } else if let known = deleted.value(for: record.stream) {
            isDeleted = known
        } else {
            isDeleted = try await !backend.store.deletedSessions(among: [record.stream]).isEmpty
            deleted.insert(isDeleted, bytes: 0, for: record.stream)
        }
        return NativeEvent(record, sessionDeleted: isDeleted)
    }

    private mutating func admits(_ record: LogRecord) async throws -> Bool {
        guard let namespace else { return true }
        if let visible = known.value(for: record.stream) { return visible }
        try await backend.replay.waitUntilApplied(record.position)
        var visible = false
        if let id = SessionID(rawValue: record.stream), let session = try await backend.store.session(id) {
            visible = session.namespace == namespace
        }
        known.insert(visible, bytes: 0, for: record.stream)
        return visible
    }
}
