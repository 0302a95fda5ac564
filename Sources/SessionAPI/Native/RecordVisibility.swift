import EventLog
import Projections
import Sessions

/// Which records of the global feeds (`/v1/events`, `/v1/events/stream`) a request may see: all of them on
/// an open daemon, only its namespace's sessions' records for a request made with an API key.
///
/// A record's namespace is its session's, looked up in the projections once they have applied the record
/// (so a session created a moment ago is found) and remembered per session for the request. Records of a
/// permanently deleted session are no longer anyone's.
struct RecordVisibility {
    let namespace: String?
    let backend: SessionBackend
    private var known: [String: Bool] = [:]

    init(namespace: String?, backend: SessionBackend) {
        self.namespace = namespace
        self.backend = backend
    }

    mutating func admits(_ record: LogRecord) async throws -> Bool {
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
