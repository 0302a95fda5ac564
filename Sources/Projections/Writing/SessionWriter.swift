import EventLog
import Foundation
import Sessions

/// The write path: decides a command on the session's current state, appends the events with an expected
/// version, and returns once the projections have applied them (read-your-writes).
///
/// One writer per session: commands on one session run one at a time, in arrival order, so two requests can
/// never both decide on a stale state; commands on different sessions run concurrently (and share the log's
/// group commit). States are cached; a miss folds the session's stream from the log. Invalid commands throw
/// ``Sessions/SessionError`` and append nothing.
public actor SessionWriter {
    /// How the writer decides and caches.
    public struct Configuration: Sendable {
        /// The clock and id generator of each decision; tests inject fixed ones.
        public var makeContext: @Sendable () -> DecisionContext = { DecisionContext(now: Date()) }
        /// At most this many session states are cached.
        public var cacheCapacity = 10_000
        /// At most this many bytes of cached session states, as ``Entry/estimatedBytes(of:body:)`` estimates them;
        /// the least recently used states go first.
        public var cacheByteLimit = 16 << 20

        /// Creates the default configuration.
        public init() {}
    }

    /// A cached session: its state, the versions of its event ids (for idempotency keys) and its estimated size.
    ///
    /// The state is folded without the messages' contents (decision 0156): deciding reads only what every message's
    /// ``Sessions/MessageFacts`` and the session's own fields hold, so a long session's entry is a few hundred bytes
    /// per message whatever its texts, items and tool results weigh, and many more sessions fit the byte limit.
    struct Entry: Sendable {
        var state = SessionState.initialWithoutContent
        var eventVersions: [EventID: UInt64] = [:]
        var estimatedBytes = 0

        /// Folds one stored record into the entry.
        mutating func apply(_ record: LogRecord) throws {
            let event = try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
            state.apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
            eventVersions[record.eventID] = record.streamVersion
            estimatedBytes += Entry.estimatedBytes(of: event, body: record.body.count)
        }

        /// Folds events this writer just decided, stored as `records` (in order, one record per event), without
        /// decoding the bodies again: event bodies round-trip exactly, so the event is what the record holds.
        mutating func apply(_ events: [SessionEvent], storedAs records: [LogRecord]) {
            for (event, record) in zip(events, records) {
                state.apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
                eventVersions[record.eventID] = record.streamVersion
                estimatedBytes += Entry.estimatedBytes(of: event, body: record.body.count)
            }
        }

        /// What folding `event` (its stored body `body` bytes long) adds to an entry, an estimate that errs high:
        /// every event its id's version; a message its facts and index entries, not its texts, item or tool inputs;
        /// a tool result one flag; a callback result, a processing or lifecycle mark, a removal nothing more; a title,
        /// a file or a finish's error its body; settings, callbacks, memory and state deltas their body as decoded
        /// JSON values, which take many times their text (``bytesPerBodyByte``).
        static func estimatedBytes(of event: SessionEvent, body: Int) -> Int {
            switch event {
            case .messageAppended(let appended):
                bytesPerEvent + bytesPerMessage + bytes(of: appended.messageID.rawValue)
                    + appended.toolCalls.reduce(0) { $0 + bytesPerToolCall + bytes(of: $1.id.rawValue) }
            case .toolResultRecorded: bytesPerEvent + bytesPerToolCall
            case .callbackResultRecorded, .processingStarted, .processingCancelled, .archived, .terminated, .erased,
                .forked, .fileRemoved, .deleted, .rewound, .messagesRemoved:
                bytesPerEvent
            case .titleChanged, .fileAdded, .processingFinished: bytesPerEvent + body
            case .created, .callbacksReplaced, .userMemoryUpdated, .stateUpdated:
                bytesPerEvent + body * bytesPerBodyByte
            }
        }

        /// An id kept as a `String`: inline up to 15 bytes, else on the heap with its header and malloc's rounding.
        static func bytes(of id: String) -> Int {
            let count = id.utf8.count
            return count <= 15 ? 0 : count + 32
        }

        /// The event id's version (a 16-byte id and a version in a dictionary at its load factor).
        static let bytesPerEvent = 64
        /// A message's ``Sessions/MessageFacts`` (48 bytes), its id's index entry and the arrays' growth; measured
        /// at ≈ 144 bytes a message for 32 sessions of 700 (docs/benchmarks.md, branch statecache).
        static let bytesPerMessage = 160
        /// A tool call's index entry and finished flag.
        static let bytesPerToolCall = 64
        /// What a byte of JSON text may take once decoded: `[0,0,…]` is 2 bytes an element as text and a 17-byte
        /// `JSONValue` in memory, `{"k1":0,…}` 7 bytes a member against ≈ 60–100 in a dictionary.
        static let bytesPerBodyByte = 16
    }

    let log: any LogStore
    let replay: ReplayLoop?
    let configuration: Configuration
    var cache: LeastRecentlyUsedCache<SessionID, Entry>
    /// How often a write found its session's state missing from ``cache`` and what folding it cost.
    public private(set) var statistics = WriterStatistics()
    private var locks: [SessionID: [CheckedContinuation<Void, Never>]] = [:]

    /// Creates a writer.
    /// - Parameters:
    ///   - log: The log to append to.
    ///   - replay: The loop whose progress ``execute(_:options:)`` waits for; `nil` returns as soon as the
    ///     append is durable (tools that do not read back).
    ///   - configuration: Clock, ids and cache size.
    public init(log: any LogStore, replay: ReplayLoop?, configuration: Configuration = Configuration()) {
        self.log = log
        self.replay = replay
        self.configuration = configuration
        cache = LeastRecentlyUsedCache(capacity: configuration.cacheCapacity, byteLimit: configuration.cacheByteLimit)
    }

    /// Decides and appends a command, then waits until the projections applied its events.
    ///
    /// - Parameters:
    ///   - command: What the caller wants.
    ///   - options: Expected version, idempotency key, actor and request id.
    /// - Returns: The events, their positions and the session's new state.
    /// - Throws: ``Sessions/SessionError`` for an invalid command (nothing appended);
    ///   ``ProjectionError/wrongExpectedVersion(session:expected:actual:)`` when `options.expectedVersion` is
    ///   stale; ``EventLog/EventLogError`` when the append fails (a conflict with another writer is decided
    ///   again on the refreshed state, up to ``decideAttempts`` times, then
    ///   ``ProjectionError/contended(session:attempts:)``); ``ProjectionError/replayStopped(reason:)`` when
    ///   the projections cannot catch up.
    public func execute(_ command: SessionCommand, options: WriteOptions = WriteOptions()) async throws
        -> WriteResult
    {
        let context = configuration.makeContext()
        var command = command
        let id: SessionID
        if let given = command.sessionID {
            id = given
        } else {
            guard let made = SessionID(rawValue: context.makeID()) else {
                throw SessionError.validation(field: "sessionId", message: "sessionId generator returned an empty id")
            }
            id = made
            command = command.assigningSessionID(made)
        }

        return try await write(on: id, options: options) { [command] state throws(SessionError) in
            try Session.decide(command, state: state, context: context)
        }
    }

    /// Decides several commands for one existing session together and appends all their events as one
    /// append (all or nothing), then waits until the projections applied them. `If-Match` and the
    /// idempotency key cover the whole batch.
    /// - Parameters:
    ///   - commands: The commands, each for session `id` (see ``Sessions/Session/decide(batch:state:context:)``).
    ///   - id: The session.
    ///   - options: Expected version, idempotency key, actor and request id.
    /// - Returns: Every command's events, their positions and the session's new state.
    /// - Throws: As ``execute(_:options:)``; a failing command fails the batch and nothing is appended.
    public func execute(batch commands: [SessionCommand], on id: SessionID, options: WriteOptions = WriteOptions())
        async throws -> WriteResult
    {
        let context = configuration.makeContext()
        return try await write(on: id, options: options) { state throws(SessionError) in
            try Session.decide(batch: commands, state: state, context: context)
        }
    }

    /// Owns `id` while deciding with `decide` and appending, then waits for the projections.
    private func write(
        on id: SessionID,
        options: WriteOptions,
        decide: @escaping @Sendable (SessionState) throws(SessionError) -> [SessionEvent]
    ) async throws -> WriteResult {
        await acquire(id)
        defer { release(id) }
        let written: WriteResult
        do {
            written = try await execute(on: id, options: options, decide: decide)
        } catch let error as SessionError {
            throw error
        } catch {
            cache.remove(id)
            throw error
        }
        // Durable from here on: the cached state stays, whatever the answer's read-back or the wait meets.
        let result = try await withRemovedItems(written)
        if let replay, let last = result.lastPosition { try await replay.waitUntilApplied(last) }
        return result
    }

    /// Forgets every cached state (tests; after an operator rewrote the log).
    public func clearCache() { cache.removeAll() }

    /// The session states cached (``Configuration/cacheByteLimit`` bounds their estimated bytes).
    public var cacheUsage: CacheUsage { cache.usage }

    /// How often a command is decided again after another writer appended to its session first. On one node that
    /// happens at most once (its writes to a session take turns); nodes sharing a log race for real, and a command
    /// without an expected version must not fail because of it (decision 0065).
    static let decideAttempts = 16

    func execute(
        on id: SessionID,
        options: WriteOptions,
        decide: @escaping @Sendable (SessionState) throws(SessionError) -> [SessionEvent]
    ) async throws -> WriteResult {
        var (entry, confirmed) = try await load(id)
        // While this command runs the entry is its alone: folding into it then copies no transcript (the cache's
        // copy would share the storage), and it goes back into the cache however the command ends.
        cache.remove(id)
        defer { remember(entry, for: id) }
        // The cached state may be stale when nodes share the log (decision 0112). An append decided on it carries
        // its version as the expected one, so the log refuses it if another writer appended since; every outcome
        // that appends nothing (an If-Match mismatch, a refused command, a no-op) is only answered once the state
        // is confirmed current, by reading the stream past it. On a stale state both re-decide on the fresh one.
        for attempt in 1...Self.decideAttempts {
            // On every state decided on, the first and each refreshed one (the writer that moved the session may have
            // been this request's own retry on another node).
            if let earlier = try await earlierAnswer(to: options, on: id, entry: entry) { return earlier }
            if let expected = options.expectedVersion, expected != entry.state.version {
                if !confirmed, try await refreshed(&entry, of: id) {
                    confirmed = true
                    continue
                }
                throw ProjectionError.wrongExpectedVersion(session: id, expected: expected, actual: entry.state.version)
            }
            let events: [SessionEvent], records: [ProposedRecord]
            do {
                (events, records) = try await Self.propose(on: id, state: entry.state, options: options, decide: decide)
            } catch let error as SessionError {
                guard !confirmed, try await refreshed(&entry, of: id) else { throw error }
                confirmed = true
                continue
            }
            if events.isEmpty {
                guard !confirmed, try await refreshed(&entry, of: id) else {
                    return WriteResult(sessionID: id, events: [], positions: [], state: entry.state, deduplicated: false)
                }
                confirmed = true
                continue
            }
            let appended: AppendResult
            do {
                appended = try await log.append(records, to: id.rawValue, expectedVersion: .exact(entry.state.version))
            } catch EventLogError.wrongExpectedVersion {
                guard attempt < Self.decideAttempts else {
                    throw ProjectionError.contended(session: id, attempts: Self.decideAttempts)
                }
                entry = try await refresh(entry, of: id)
                confirmed = true
                continue
            } catch EventLogError.idempotencyConflict(let eventID, let reason) where options.idempotencyKey != nil {
                // A retry decided on a state older than its first attempt (on another node, possibly landing after
                // this command read the log) can come out with more events than that attempt appended: then only
                // some of its ids are in the log. The fresh state finds the first, answered at the loop's top.
                guard try await refreshed(&entry, of: id) else {
                    throw EventLogError.idempotencyConflict(eventID: eventID, reason: reason)
                }
                confirmed = true
                continue
            }
            if appended.deduplicated {
                // Another writer appended these ids first: re-read and answer as a retry.
                entry = try await refresh(entry, of: id)
                guard let earlier = try await earlierAnswer(to: options, on: id, entry: entry) else {
                    throw EventLogError.idempotencyConflict(
                        eventID: records[0].eventID, reason: "the log answered the ids as appended; the stream holds none")
                }
                return earlier
            }
            if appended.records.count == records.count {
                entry.apply(events, storedAs: appended.records)
            } else {
                // The stored records come back with the append (a store that does not return them is read back:
                // only as many as were appended, since another node may have appended to the session right after).
                let stored =
                    appended.records.count == records.count
                    ? appended.records
                    : Array(
                        try await log.readStream(id.rawValue, fromVersion: entry.state.version + 1).prefix(records.count))
                entry = try await Self.folding(stored, into: entry)
            }
            return WriteResult(
                sessionID: id, events: events, positions: appended.positions, state: entry.state, deduplicated: false)
        }
        throw ProjectionError.contended(session: id, attempts: Self.decideAttempts)
    }

    /// What a request is answered before anything is decided on `entry`: the result of an earlier request with the
    /// same idempotency key, if the log holds its events.
    /// - Throws: ``Sessions/SessionError/sessionNotFound(_:)`` when the session is another namespace's.
    func earlierAnswer(to options: WriteOptions, on id: SessionID, entry: Entry) async throws -> WriteResult? {
        if let namespace = options.namespace, entry.state.exists, entry.state.namespace != namespace {
            throw SessionError.sessionNotFound(id)
        }
        return try await earlierResult(of: options.idempotencyKey, on: id, entry: entry)
    }

    /// The result of an earlier request with the same idempotency key, if the log holds its events.
    private func earlierResult(of key: String?, on id: SessionID, entry: Entry) async throws -> WriteResult? {
        guard let key, let version = entry.eventVersions[EventID.derived(session: id, idempotencyKey: key, index: 0)]
        else { return nil }
        var events: [SessionEvent] = []
        var positions: [LogPosition] = []
        var firstRecordedAt: Date?
        for record in try await log.readStream(id.rawValue, fromVersion: version) {
            guard record.eventID == EventID.derived(session: id, idempotencyKey: key, index: events.count) else { break }
            events.append(try SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body))
            positions.append(record.position)
            firstRecordedAt = firstRecordedAt ?? record.recordedAt
        }
        // The key was used by a deleted session of this id (decision 0177): answering that request's events beside
        // this session's state would report a write to this session that never happened. A retried delete is the
        // exception: the deletion did happen, and its answer carries no state.
        if entry.state.exists, let created = entry.state.createdAt, let first = firstRecordedAt, first < created,
            !events.contains(where: { $0.eventType == .sessionDeleted })
        {
            throw EventLogError.idempotencyConflict(
                eventID: EventID.derived(session: id, idempotencyKey: key, index: 0),
                reason: "a deleted session of this id used the key; send a new one")
        }
        return WriteResult(sessionID: id, events: events, positions: positions, state: entry.state, deduplicated: true)
    }

    /// The session's cached entry, or one folded from the log; `confirmed` when it was just read from the log. A
    /// cached entry is not checked against the log here: that would cost a read per append on a shared log, and
    /// ``execute(on:options:decide:)`` catches a stale one (decision 0112).
    func load(_ id: SessionID) async throws -> (entry: Entry, confirmed: Bool) {
        if let entry = cache.value(for: id) { return (entry, false) }
        let entry = try await refresh(Entry(), of: id)
        statistics.stateLoads += 1
        statistics.foldedEvents += entry.state.version
        remember(entry, for: id)
        return (entry, true)
    }

    /// Folds into `entry` whatever the stream holds past it; says whether there was any (the entry was stale).
    private func refreshed(_ entry: inout Entry, of id: SessionID) async throws -> Bool {
        let before = entry.state.version
        entry = try await refresh(entry, of: id)
        return entry.state.version != before
    }

    /// Folds the records of the stream past the entry's version.
    private func refresh(_ entry: Entry, of id: SessionID) async throws -> Entry {
        try await Self.folding(try await log.readStream(id.rawValue, fromVersion: entry.state.version + 1), into: entry)
    }

    // Deciding, encoding and folding are pure and the costly part of a write; they run off the actor, so
    // commands on different sessions use every core (one session's commands are still one at a time).

    /// Decides on `state` and encodes the events as the records to append.
    @concurrent static func propose(
        on id: SessionID,
        state: SessionState,
        options: WriteOptions,
        decide: @Sendable (SessionState) throws(SessionError) -> [SessionEvent]
    ) async throws -> (events: [SessionEvent], records: [ProposedRecord]) {
        try proposal(on: id, state: state, options: options, decide: decide)
    }

    /// What ``propose(on:state:options:decide:)`` runs, on the caller's thread.
    static func proposal(
        on id: SessionID,
        state: SessionState,
        options: WriteOptions,
        decide: (SessionState) throws(SessionError) -> [SessionEvent]
    ) throws -> (events: [SessionEvent], records: [ProposedRecord]) {
        let events = try decide(state)
        var records: [ProposedRecord] = []
        records.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            let encoded = try event.encoded()
            let eventID = options.idempotencyKey.map { EventID.derived(session: id, idempotencyKey: $0, index: index) }
            records.append(
                ProposedRecord(
                    eventID: eventID ?? .random(), type: encoded.type, schemaVersion: encoded.schemaVersion,
                    metadata: options.metadata, body: encoded.body))
        }
        return (events, records)
    }

    /// Applies stored records to `entry`: the state and the versions of their event ids.
    /// A long run (a cache miss folds the whole stream) leaves the caller's event loop (decision 0142).
    @concurrent static func folding(_ records: [LogRecord], into entry: Entry) async throws -> Entry {
        try await offTheLoop(if: records.count > OffTheLoopThreshold.items) {
            var entry = entry
            for record in records {
                try entry.apply(record)
            }
            return entry
        }
    }

    /// Caches `entry` as the most recently used; the least recently used states go past the cache's bounds.
    func remember(_ entry: Entry, for id: SessionID) {
        cache.insert(entry, bytes: entry.estimatedBytes, for: id)
    }

    /// Waits until no other command runs on `id`, then owns it until ``release(_:)``.
    func acquire(_ id: SessionID) async {
        if locks[id] == nil {
            locks[id] = []
            return
        }
        await withCheckedContinuation { continuation in locks[id, default: []].append(continuation) }
    }

    /// Hands `id` to the next waiting command, in arrival order, or frees it.
    func release(_ id: SessionID) {
        guard var waiters = locks[id], !waiters.isEmpty else {
            locks[id] = nil
            return
        }
        let next = waiters.removeFirst()
        locks[id] = waiters
        next.resume()
    }
}
