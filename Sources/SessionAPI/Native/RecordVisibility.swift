import EventLog
import Projections
import Sessions

/// Which records of the global feeds (`/v1/events`, `/v1/events/stream`) a request may see: all of them on
/// an open daemon, only its namespace's sessions' records for a request made with an API key.
///
/// A record's namespace is its session's, looked up in the projections once they have applied the record
/// (so a session created a moment ago is found) and remembered per session for the request. Records of a
/// permanently deleted session are no longer anyone's; an open daemon still shows them, with their bodies
/// withheld (the bytes themselves go at the next compaction). A deleted session's id may be created again
/// (decision 0177): its records up to its latest tombstone are the deleted ones, those after it the new session's,
/// shown as any session's.
///
/// What it learned is kept for the ``remembered`` sessions used last: a subscription that stays open for days over
/// a busy log would otherwise grow by an entry per session it ever saw. A session forgotten is looked up again.
struct RecordVisibility {
    let namespace: String?
    let backend: SessionBackend
    private var known = LeastRecentlyUsedCache<String, Admission>(capacity: remembered, byteLimit: .max)
    /// Per session, the stream version of its latest tombstone this reader knows of (0: none).
    private var tombstones = LeastRecentlyUsedCache<String, UInt64>(capacity: remembered, byteLimit: .max)
    /// Sessions whose visibility and deletion a reader keeps (≈ 100 bytes each).
    static let remembered = 10_000

    /// Whether a session's records are the request's, learned while its latest tombstone was at version ``after``
    /// (0: none): it holds for the session created after that tombstone.
    private struct Admission: Sendable {
        var after: UInt64
        var visible: Bool
    }

    init(namespace: String?, backend: SessionBackend) {
        self.namespace = namespace
        self.backend = backend
    }

    /// Learns in one projection query the latest tombstones of a catch-up page's sessions; a tombstone the page
    /// holds counts, whether or not the projections have applied it yet.
    mutating func lookUpDeletions(among records: [LogRecord]) async throws {
        let unknown = Set(records.map(\.stream)).filter { tombstones.value(for: $0) == nil }
        let found = try await backend.store.latestTombstones(among: unknown)
        for stream in unknown { tombstones.insert(found[stream]?.version ?? 0, bytes: 0, for: stream) }
        for record in records where record.type == EventType.sessionDeleted.rawValue {
            try await pass(tombstone: record.streamVersion, of: record.stream)
        }
    }

    /// The record as this request may see it: `nil` when it is not the request's, its body withheld when the
    /// session it belongs to has been deleted — its stream version is at or before the session's latest tombstone,
    /// known from the projections or from a tombstone this reader has passed.
    mutating func event(for record: LogRecord) async throws -> NativeEvent? {
        if record.type == EventType.sessionDeleted.rawValue {
            try await pass(tombstone: record.streamVersion, of: record.stream)
        }
        let tombstone = try await latestTombstone(of: record.stream)
        let isDeleted = record.streamVersion <= tombstone
        guard try await admits(record, isDeleted: isDeleted, tombstone: tombstone) else { return nil }
        return NativeEvent(record, sessionDeleted: isDeleted)
    }

    /// The stream version of the latest tombstone of `stream` this reader knows of (0: none), asking the
    /// projections the first time.
    private mutating func latestTombstone(of stream: String) async throws -> UInt64 {
        if let version = tombstones.value(for: stream) { return version }
        let version = try await backend.store.latestTombstoneVersion(of: stream)
        tombstones.insert(version, bytes: 0, for: stream)
        return version
    }

    /// Remembers a tombstone the reader passes, unless a later one is known.
    private mutating func pass(tombstone version: UInt64, of stream: String) async throws {
        if try await latestTombstone(of: stream) < version { tombstones.insert(version, bytes: 0, for: stream) }
    }

    private mutating func admits(_ record: LogRecord, isDeleted: Bool, tombstone: UInt64) async throws -> Bool {
        guard let namespace else { return true }
        let admission = known.value(for: record.stream)
        // A deleted session's record is shown to a namespace only when this reader admitted that session while it
        // existed (its tombstone, after its records on a live stream); the session of the id now is another one.
        if isDeleted { return admission?.visible ?? false }
        if let admission, admission.after == tombstone { return admission.visible }
        try await backend.replay.waitUntilApplied(record.position)
        var visible = false
        if let id = SessionID(rawValue: record.stream), let session = try await backend.store.session(id) {
            visible = session.namespace == namespace
        }
        known.insert(Admission(after: tombstone, visible: visible), bytes: 0, for: record.stream)
        return visible
    }
}
