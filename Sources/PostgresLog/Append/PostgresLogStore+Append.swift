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
        if let refusal = readOnlyRefusal(of: "append") { throw refusal }
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
    /// the head check should make impossible) is answered by deciding the batch again on fresh state, so it ends
    /// in the same conflict or retry outcome the checks give.
    private func write(_ batch: [PendingAppend]) async {
        let requests = batch.map(\.request)
        var decidedAgain = false
        while true {
            do {
                let written = try await withLease(
                    appendClient, timeout: configuration.connectionTimeout, deadline: configuration.transactionDeadline
                ) { connection in
                    try await self.appendBatch(requests, on: connection)
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
                let failure = PostgresFailure.appendFailure(error)
                logger.error("append failed", metadata: ["log.error": "\(failure)"])
                var failed = batch
                // Appends queued while this batch waited met the same outage: answer them now instead of after a
                // second full wait for a connection, so every append in an outage hears 503 within one wait
                // (decision 0065). Any other failure is this batch's own; the queue gets its own attempt.
                if case .unavailable = failure {
                    failed += state.withLock { state in
                        defer { state.queue = [] }
                        return state.queue
                    }
                }
                for pending in failed { pending.continuation.resume(throwing: failure) }
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

    /// How often a batch is decided on facts read without a lock before it is decided under the head's lock
    /// instead (each miss means another node moved the head in between).
    static let optimisticAttempts = 3

    /// Writes one batch (decision 0098): decided on facts read in one snapshot without any lock, encoded, and
    /// written by one `sessiond.append` statement in its own transaction, which holds the head only while it
    /// checks that the head is unchanged and inserts, and through the commit. When another node moved the head
    /// meanwhile the statement writes nothing and answers the facts as they are now, and the batch is decided
    /// again on them; after ``optimisticAttempts`` misses it is decided with the head locked, in a transaction.
    private func appendBatch(_ requests: [AppendPlan.Request], on connection: PostgresConnection) async throws
        -> Written
    {
        let keys = AppendKeys(streams: Array(Set(requests.map(\.stream))), eventIDs: requests.flatMap { $0.records.map(\.eventID.uuid) })
        var facts = try await LogFacts(
            connection.query("SELECT * FROM sessiond.log_facts(\(keys.streams), \(keys.eventIDs))", logger: logger))
        for _ in 0..<Self.optimisticAttempts {
            switch try await attempt(requests, on: facts, keys, connection) {
            case .written(let written): return written
            case .moved(let fresh): facts = fresh
            }
        }
        return try await transaction(on: connection) { connection in
            let locked = try await self.appendStatement(nil, keys, on: connection)
            guard case .written(let written) = try await self.attempt(requests, on: locked, keys, connection) else {
                throw EventLogError.failed(reason: "the log head moved while this transaction held it")
            }
            return written
        }
    }

    private enum Attempt {
        case written(Written)
        case moved(LogFacts)
    }

    /// Decides the batch on `facts` and, when it writes anything, appends it after the head `facts` saw.
    private func attempt(
        _ requests: [AppendPlan.Request], on facts: LogFacts, _ keys: AppendKeys, _ connection: PostgresConnection
    ) async throws -> Attempt {
        var plan = AppendPlan(
            requests, head: facts.head, versions: facts.versions, known: facts.known, now: configuration.clock())
        guard !plan.records.isEmpty else { return .written(Written(plan: plan, frames: [])) }
        let (answer, frames) = try await append(plan.records, after: facts, keys, on: connection)
        guard answer.appended else { return .moved(answer) }
        plan.setChecksum(frames.last!.checksum)
        return .written(Written(plan: plan, frames: frames))
    }

    /// The streams and event ids of a batch: the facts a decision needs are about these.
    struct AppendKeys: Sendable {
        var streams: [String]
        var eventIDs: [UUID]
    }

    /// Encodes `records` (positions, versions and times assigned after `facts.head`) as frames chained to the head,
    /// with the dictionary it names, and has `sessiond.append` write them if the head is still that one. Returns
    /// its answer (``LogFacts/appended``, or the fresh facts) and the frames.
    func append(_ records: [LogRecord], after facts: LogFacts, _ keys: AppendKeys, on connection: PostgresConnection)
        async throws -> (answer: LogFacts, frames: [SealedFrame])
    {
        try await useDictionary(facts.dictionaryID, on: connection)
        let (frames, samples) = try encode(records, previousChecksum: facts.head.lastChecksum)
        let answer = try await appendStatement((facts, frames, records), keys, on: connection)
        // One sample per record, in order, while sampling.
        if answer.appended { keep(samples, at: records.map(\.position.rawValue)) }
        return (answer, frames)
    }

    /// One call of `sessiond.append`. With nothing to write it only locks the head and answers the facts under the
    /// lock (inside a transaction the lock stays held until it ends).
    func appendStatement(
        _ write: (after: LogFacts, frames: [SealedFrame], records: [LogRecord])?, _ keys: AppendKeys,
        on connection: PostgresConnection
    ) async throws -> LogFacts {
        let head = write?.after.head
        let frames = write?.frames ?? []
        let records = write?.records ?? []
        var framePositions: [Int64] = []
        var frameIndex = 0
        for record in records {
            while record.position > frames[frameIndex].lastPosition { frameIndex += 1 }
            framePositions.append(Int64(frames[frameIndex].firstPosition.rawValue))
        }
        // Whole milliseconds, never 0: PostgreSQL reads `lock_timeout = 0` as no limit at all.
        let (seconds, attoseconds) = configuration.statementTimeout.components
        let lockTimeout = "\(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))ms"
        return try await LogFacts(
            connection.query(
                """
                SELECT * FROM sessiond.append(\(head.map { Int64($0.end) } ?? -1),
                    \(Int64(head?.lastChecksum ?? 0)), \(Int32(write?.after.dictionaryID ?? 0)),
                    \(keys.streams)::text[], \(keys.eventIDs)::uuid[],
                    \(frames.map { Int64($0.firstPosition.rawValue) })::bigint[],
                    \(frames.map { Int64($0.lastPosition.rawValue) })::bigint[],
                    \(frames.map { Int32($0.recordCount) })::integer[], \(frames.map { Int32($0.dictionaryID) })::integer[],
                    \(frames.map { Int64($0.checksum) })::bigint[], \(frames.map { Int64($0.previousChecksum) })::bigint[],
                    \(frames.map { ByteBuffer(bytes: $0.bytes) })::bytea[],
                    \(records.map { Int64($0.position.rawValue) })::bigint[], \(framePositions)::bigint[],
                    \(records.map(\.stream))::text[], \(records.map { Int64($0.streamVersion) })::bigint[],
                    \(records.map(\.eventID.uuid))::uuid[], \(records.last?.recordedAtMicros ?? 0),
                    \(lockTimeout), \(configuration.durability != .none))
                """, logger: logger))
    }

    /// Encodes the batch's records as frames chained to the head; returns them with the training samples taken
    /// while this node collects them (kept only once the frames are written: see ``keep(_:)``).
    private func encode(_ records: [LogRecord], previousChecksum: UInt32) throws(EventLogError)
        -> (frames: [SealedFrame], samples: [[UInt8]])
    {
        try writer.withLock { writer throws(EventLogError) -> ([SealedFrame], [[UInt8]]) in
            var samples: [[UInt8]] = []
            let sample: (([UInt8], String) -> Void)? = writer.sampleBudget == nil ? nil : { record, _ in samples.append(record) }
            let frames = try writer.encoder.encode(
                records, dictionaries: dictionaries, previousChecksum: previousChecksum, sample: sample)
            return (frames, samples)
        }
    }

    /// Adds written records' samples (taken of the records at `positions`) to the training set; hands the set to
    /// the trainer once there are enough.
    private func keep(_ samples: [[UInt8]], at positions: [UInt64]) {
        guard !samples.isEmpty, samples.count == positions.count else { return }
        let ready = writer.withLock { writer -> TrainingSamples? in
            guard let budget = writer.sampleBudget else { return nil }
            writer.samples += samples
            writer.samplePositions += positions
            writer.sampleBytes += samples.reduce(0) { $0 + $1.count }
            guard writer.sampleBytes >= budget else { return nil }
            defer {
                writer.samples = []
                writer.samplePositions = []
                writer.sampleBytes = 0
                writer.sampleBudget = nil
            }
            return TrainingSamples(samples: writer.samples, positions: writer.samplePositions)
        }
        if let ready { training.yield(ready) }
    }
}
