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
struct RecordVisibility {
    let namespace: String?
    let backend: SessionBackend
    private var known: [String: Bool] = [:]
    private var deleted: [String: Bool] = [:]

    init(namespace: String?, backend: SessionBackend) {
        self.namespace = namespace
        self.backend = backend
    }

    /// Learns in one projection query which of a catch-up page's sessions are deleted.
    mutating func lookUpDeletions(among records: [LogRecord]) async throws {
        let unknown = Set(records.map(\.stream)).filter { deleted[$0] == nil }
        let found = try await backend.store.deletedSessions(among: unknown)
        for stream in unknown { deleted[stream] = found.contains(stream) }
    }

    /// The record as this request may see it: `nil` when it is not the request's, its body withheld when its
    /// session has been deleted (known from the projections, or from a tombstone this reader has passed).
    mutating func event(for record: LogRecord) async throws -> NativeEvent? {
        guard try await admits(record) else { return nil }
        if record.type == EventType.sessionDeleted.rawValue {
            deleted[record.stream] = true
        } else if deleted[record.stream] == nil {
            deleted[record.stream] = try await !backend.store.deletedSessions(among: [record.stream]).isEmpty
        }
        return NativeEvent(record, sessionDeleted: deleted[record.stream] == true)
    }

    private mutating func admits(_ record: LogRecord) async throws -> Bool {
        guard let namespace else { return true }
        if let visible = known[record.stream] { return visible }
        try await backend.replay.waitUntilApplied(record.position)
        var visible = false
        if let id = SessionID(rawValue: record.stream), let session = try await backend.store.session(id) {
            visible = session.namespace == namespace
        }
        known[record.stream] = visible
        return visible
    }
}
