import EventLog
import Sessions

extension SessionWriter {
    /// Forks a session as it stood after its event with stream version `version`: creates a new session that
    /// starts with the source's live transcript then, and notes the fork in the source.
    ///
    /// Two appends, the new session first: its `session.created` carries ``Sessions/ForkOrigin``, so a crash
    /// between them leaves a complete fork whose origin is known, only without the source's
    /// `session.forked` note (docs/decisions/0040-native-fork.md).
    /// - Parameters:
    ///   - source: The session to fork.
    ///   - version: The source's last event to include (resolve an ``AsOf`` to it with
    ///     ``ProjectionStore/session(_:at:)``).
    ///   - messageID: The message the caller named, recorded in both events.
    ///   - title: The new session's title; the source's when `nil`.
    ///   - options: Actor and request id for both appends. An idempotency key makes a retry return the first fork.
    /// - Returns: The new session's write (its id, events and state).
    /// - Throws: ``Sessions/SessionError/sessionNotFound(_:)`` when the source did not exist at `version`, or
    ///   `version` is of an incarnation of the source deleted since (its id created again, decision 0177);
    ///   what ``execute(_:options:)`` throws.
    public func fork(
        _ source: SessionID,
        throughVersion version: UInt64,
        messageID: MessageID? = nil,
        title: String? = nil,
        options: WriteOptions = WriteOptions()
    ) async throws -> WriteResult {
        let records = try await log.readStream(source.rawValue, fromVersion: 1)
        // A tombstone past the point: the point is of a deleted incarnation, whose content no read serves.
        let deletedSince = records.contains {
            $0.streamVersion > version && $0.type == EventType.sessionDeleted.rawValue
        }
        let (state, last) = try await Self.replaying(records, through: version)
        guard let position = last, !deletedSince else { throw SessionError.sessionNotFound(source) }
        let origin = ForkOrigin(sessionID: source, position: position.rawValue, messageID: messageID)
        var createOptions = options
        createOptions.expectedVersion = nil
        // A retry with the same idempotency key names the same new session, so it finds its first attempt.
        let forkID = options.idempotencyKey.flatMap { key in
            SessionID(rawValue: EventID.derived(session: source, idempotencyKey: "fork\u{0}" + key, index: 0).description)
        }
        let created = try await execute(
            .fork(ForkSession(sessionID: forkID, source: state, origin: origin, title: title)), options: createOptions)
        guard !created.deduplicated else { return created }
        let note = SessionForked(
            forkSessionID: created.sessionID, position: origin.position, messageID: messageID,
            messageCount: state.liveMessages.count)
        var noteOptions = options
        noteOptions.expectedVersion = nil
        noteOptions.idempotencyKey = nil
        _ = try await execute(.recordFork(RecordFork(sessionID: source, fork: note)), options: noteOptions)
        return created
    }

    /// The state the records through `version` fold to, and the last one's position; the whole stream is decoded, so
    /// off the caller's event loop (decision 0142).
    @concurrent private static func replaying(_ records: [LogRecord], through version: UInt64) async throws
        -> (state: SessionState, position: LogPosition?)
    {
        try await offTheLoop {
            var state = SessionState.initial
            var position: LogPosition?
            for record in records where record.streamVersion <= version {
                let event = try SessionEvent.decode(
                    type: record.type, schemaVersion: record.schemaVersion, body: record.body)
                state.apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
                position = record.position
            }
            return (state, position)
        }
    }
}
