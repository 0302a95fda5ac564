import EventLog
import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresLogStore {
    /// Appends `records` to `stream` and returns once PostgreSQL has committed them.
    ///
    /// Concurrent appends on this node share one transaction and one frame (group commit); appends on other nodes
    /// are serialised with them on the log head. See ``EventLog/LogStore/append(_:to:expectedVersion:)``.
    /// - Throws: as the contract says; ``EventLog/EventLogError/unavailable(reason:)`` when PostgreSQL cannot be
    ///   reached (nothing was acknowledged; a retry with the same event ids is safe).
    public func append(_ records: [ProposedRecord], to stream: String, expectedVersion: ExpectedVersion = .any)
        async throws -> AppendResult
    {
        try ProposedRecord.validate(records, stream: stream)
        let request = AppendPlan.Request(records: records, stream: stream, expectedVersion: expectedVersion)
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { state in
                guard !state.closed else { return false }
                state.queue.append(PendingAppend(request: request, continuation: continuation))
                return true
            }
            if accepted { wake.yield() } else { continuation.resume(throwing: EventLogError.closed) }
        }
    }

    /// The writer: whenever appends are queued, takes all of them into one transaction; after the store closes,
    /// finishes what is still queued.
    func runWriter(_ wakes: AsyncStream<Void>) async {
        for await _ in wakes { await drain() }
        await drain()
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state in
                defer { state.queue = [] }
                return state.queue
            }
            if batch.isEmpty { return }
            await write(batch)
        }
    }

    /// Writes one batch and answers its appenders. A unique violation (another writer got past the checks, which
    /// the head lock should make impossible) is answered by deciding the batch again on fresh state, so it ends
    /// in the same conflict or retry outcome the checks give.
    private func write(_ batch: [PendingAppend]) async {
        let requests = batch.map(\.request)
        var decidedAgain = false
        while true {
            do {
                let written = try await withLease(
                    client, timeout: configuration.connectionTimeout, deadline: configuration.transactionDeadline
                ) { connection in
                    try await self.transaction(on: connection) { try await self.appendStatements(requests, on: $0) }
                }
                publish(end: written.plan.head.end)
                state.withLock { state in
                    guard !written.frames.isEmpty else { return }
                    state.statistics.recordBatch(
                        appends: written.plan.outcomes.count { (try? $0.get())?.deduplicated == false },
                        records: written.plan.records.count, frameLengths: written.frames.map(\.bytes.count),
                        synced: configuration.durability == .fsync)
                }
                for (pending, outcome) in zip(batch, written.plan.outcomes) { pending.continuation.resume(with: outcome) }
                return
            } catch let error where PostgresFailure.sqlState(of: error) == PostgresFailure.uniqueViolation && !decidedAgain {
                logger.warning(
                    "unique violation on append; deciding the batch again",
                    metadata: ["postgres.constraint": "\(PostgresFailure.constraint(of: error) ?? "?")"])
                decidedAgain = true
            } catch {
                let failure = PostgresFailure.unavailable(error)
                logger.error("append failed", metadata: ["log.error": "\(failure)"])
                // Appends queued while this batch waited met the same outage: answer them now instead of after a
                // second full wait for a connection, so every append in an outage hears 503 within one wait.
                let queued = state.withLock { state in
                    defer { state.queue = [] }
                    return state.queue
                }
                for pending in batch + queued { pending.continuation.resume(throwing: failure) }
                return
            }
        }
    }

    struct Written: Sendable {
        var plan: AppendPlan
        var frames: [SealedFrame]
    }

    /// Runs `body` in one transaction: rolled back on any failure before the commit; a connection whose rollback
    /// fails is closed so the pool never hands out a connection stuck in a transaction.
    func transaction<T: Sendable>(
        on connection: PostgresConnection, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch {
                try? await connection.close()
            }
            throw error
        }
        // If the connection drops during COMMIT the outcome is unknown: appenders hear "unavailable", and their
        // retry (same event ids) finds the records if they landed.
        try await connection.query("COMMIT", logger: logger)
        return result
    }

    /// One append transaction: lock the head, read what the checks need, decide, encode, insert, move the head,
    /// notify.
    private func appendStatements(_ requests: [AppendPlan.Request], on connection: PostgresConnection) async throws
        -> Written
    {
        let timeout = "\(configuration.statementTimeout.components.seconds * 1000)ms"
        try await connection.query("SET LOCAL lock_timeout = '\(unescaped: timeout)'", logger: logger)
        try await connection.query("SET LOCAL statement_timeout = '\(unescaped: timeout)'", logger: logger)
        if configuration.durability == .none {
            try await connection.query("SET LOCAL synchronous_commit = off", logger: logger)
        }
        let head = try await lockHead(on: connection)
        let versions = try await streamVersions(Array(Set(requests.map(\.stream))), on: connection)
        let ids = requests.flatMap { $0.records.map(\.eventID.uuid) }
        var known: [EventID: AppendPlan.KnownEvent] = [:]
        for try await (id, position, stream, version) in try await connection.query(
            """
            SELECT event_id, position, stream, stream_version FROM sessiond.record
            WHERE event_id = ANY(\(ids))
            """, logger: logger
        ).decode((UUID, Int64, String, Int64).self) {
            known[EventID(id)] = AppendPlan.KnownEvent(
                position: UInt64(position), stream: stream, streamVersion: UInt64(version))
        }
        var plan = AppendPlan(requests, head: head, versions: versions, known: known, now: configuration.clock())
        guard !plan.records.isEmpty else { return Written(plan: plan, frames: []) }

        let frames = try await insert(plan.records, after: head, on: connection)
        plan.setChecksum(frames.last!.checksum)
        return Written(plan: plan, frames: frames)
    }

    /// Locks the log head and returns it; makes this node's frames use the dictionary it names.
    func lockHead(on connection: PostgresConnection) async throws -> AppendPlan.Head {
        // The serialisation point, in its own statement: every later statement's snapshot is taken after the lock
        // is held, so it sees every frame committed before (decision 0030).
        var head = AppendPlan.Head(end: 0, lastChecksum: 0, lastRecordedAt: 0)
        var dictionaryID: Int32 = 0
        for try await (end, checksum, recordedAt, dictionary) in try await connection.query(
            """
            SELECT end_position, last_checksum, last_recorded_at, dictionary_id FROM sessiond.log_head
            WHERE id = 1 FOR UPDATE
            """,
            logger: logger
        ).decode((Int64, Int64, Int64, Int32).self) {
            head = AppendPlan.Head(end: UInt64(end), lastChecksum: UInt32(truncatingIfNeeded: checksum), lastRecordedAt: recordedAt)
            dictionaryID = dictionary
        }
        try await useDictionary(UInt32(dictionaryID), on: connection)
        return head
    }

    /// The current versions of `streams` that have records.
    func streamVersions(_ streams: [String], on connection: PostgresConnection) async throws -> [String: UInt64] {
        var versions: [String: UInt64] = [:]
        for try await (stream, version) in try await connection.query(
            """
            SELECT stream, max(stream_version) FROM sessiond.record
            WHERE stream = ANY(\(streams)) GROUP BY stream
            """, logger: logger
        ).decode((String, Int64).self) {
            versions[stream] = UInt64(version)
        }
        return versions
    }

    /// Writes records that continue the log after `head` (positions, versions and times assigned): encodes them as
    /// frames chained to the head, inserts the frames and their records' index rows, moves the head and notifies.
    /// Runs in the transaction that holds the head.
    func insert(_ records: [LogRecord], after head: AppendPlan.Head, on connection: PostgresConnection) async throws
        -> [SealedFrame]
    {
        let frames = try encode(records, previousChecksum: head.lastChecksum)
        for frame in frames {
            try await connection.query(
                """
                INSERT INTO sessiond.frame
                    (first_position, last_position, record_count, dictionary_id, checksum, previous_checksum, bytes)
                VALUES (\(Int64(frame.firstPosition.rawValue)), \(Int64(frame.lastPosition.rawValue)),
                    \(Int32(frame.recordCount)), \(Int32(frame.dictionaryID)), \(Int64(frame.checksum)),
                    \(Int64(frame.previousChecksum)), \(ByteBuffer(bytes: frame.bytes)))
                """, logger: logger)
        }
        var positions: [Int64] = [], framePositions: [Int64] = [], recordStreams: [String] = []
        var versions: [Int64] = [], eventIDs: [UUID] = []
        var frameIndex = 0
        for record in records {
            while record.position > frames[frameIndex].lastPosition { frameIndex += 1 }
            positions.append(Int64(record.position.rawValue))
            framePositions.append(Int64(frames[frameIndex].firstPosition.rawValue))
            recordStreams.append(record.stream)
            versions.append(Int64(record.streamVersion))
            eventIDs.append(record.eventID.uuid)
        }
        try await connection.query(
            """
            INSERT INTO sessiond.record (position, frame_position, stream, stream_version, event_id)
            SELECT * FROM unnest(\(positions)::bigint[], \(framePositions)::bigint[], \(recordStreams)::text[],
                \(versions)::bigint[], \(eventIDs)::uuid[])
            """, logger: logger)
        let end = records.last!.position.rawValue
        try await connection.query(
            """
            UPDATE sessiond.log_head SET end_position = \(Int64(end)),
                last_checksum = \(Int64(frames.last!.checksum)), last_recorded_at = \(records.last!.recordedAtMicros)
            WHERE id = 1
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.notificationChannel), \(String(end)))", logger: logger)
        return frames
    }

    /// Encodes the batch's records as frames chained to the head, keeping training samples while this node
    /// collects them; hands the samples to the trainer once there are enough.
    private func encode(_ records: [LogRecord], previousChecksum: UInt32) throws(EventLogError) -> [SealedFrame] {
        let (frames, ready) = try writer.withLock { writer throws(EventLogError) -> ([SealedFrame], [[UInt8]]?) in
            var samples: [[UInt8]] = []
            let sample: (([UInt8], String) -> Void)? = writer.sampleBudget == nil ? nil : { record, _ in samples.append(record) }
            let frames = try writer.encoder.encode(
                records, dictionaries: dictionaries, previousChecksum: previousChecksum, sample: sample)
            guard let budget = writer.sampleBudget else { return (frames, nil) }
            writer.samples += samples
            writer.sampleBytes += samples.reduce(0) { $0 + $1.count }
            guard writer.sampleBytes >= budget else { return (frames, nil) }
            defer {
                writer.samples = []
                writer.sampleBudget = nil
            }
            return (frames, writer.samples)
        }
        if let ready { training.yield(ready) }
        return frames
    }
}
