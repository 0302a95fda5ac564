import Dispatch

extension EventLog {
    /// Appends `records` to `stream` and returns once they are durable.
    ///
    /// Concurrent appends share frames and syncs (group commit). Records of one call are
    /// contiguous in the log. See ``LogStore/append(_:to:expectedVersion:)``.
    public func append(_ records: [ProposedRecord], to stream: String, expectedVersion: ExpectedVersion = .any)
        async throws -> AppendResult
    {
        try ProposedRecord.validate(records, stream: stream)
        return try await withCheckedThrowingContinuation { continuation in
            let waiter = AppendWaiter.continuation(continuation)
            let decision = state.withLock { state in
                reserve(records, stream: stream, expectedVersion: expectedVersion, waiter: waiter, in: &state)
            }
            act(on: decision, waiter: waiter)
        }
    }

    /// Appends each entry as ``append(_:to:expectedVersion:)`` would, all reserved under one lock and queued for the
    /// same frame, and wakes the caller once, when every entry is durable or refused. See ``LogStore/append(batch:)``.
    public func append(batch appends: [StreamAppend]) async -> [Result<AppendResult, any Error>] {
        guard !appends.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let batch = AppendBatchWaiter(count: appends.count, continuation: continuation)
            var invalid: [Int: EventLogError] = [:]
            for (index, append) in appends.enumerated() {
                do throws(EventLogError) {
                    try ProposedRecord.validate(append.records, stream: append.stream)
                } catch {
                    invalid[index] = error
                }
            }
            var decisions: [(Decision, AppendWaiter)] = []
            state.withLock { state in
                for (index, append) in appends.enumerated() where invalid[index] == nil {
                    let waiter = AppendWaiter.entry(index, of: batch)
                    let decision = reserve(
                        append.records, stream: append.stream, expectedVersion: append.expectedVersion, waiter: waiter,
                        in: &state)
                    decisions.append((decision, waiter))
                }
            }
            for (index, error) in invalid { batch.answer(index, with: .failure(error)) }
            for (decision, waiter) in decisions { act(on: decision, waiter: waiter) }
        }
    }

    /// Starts or wakes the writer for a queued append, or answers the appender at once.
    func act(on decision: Decision, waiter: AppendWaiter) {
        switch decision {
        case .queued: break
        case .queuedStartWriter: writeQueue.async { self.drain() }
        case .queuedWakeWriter: gatherSignal.signal()
        case .answered(let result): waiter.resume(with: result.mapError { $0 as any Error })
        }
    }

    enum Decision {
        case queued, queuedStartWriter, queuedWakeWriter
        case answered(Result<AppendResult, EventLogError>)
    }

    /// Checks an append against durable and reserved state and queues it, all under the lock.
    private func reserve(
        _ proposed: [ProposedRecord], stream: String, expectedVersion: ExpectedVersion,
        waiter: AppendWaiter, in state: inout State
    ) -> Decision {
        if state.closed { return .answered(.failure(.closed)) }
        if let refusal = readOnlyRefusal(of: "append") { return .answered(.failure(refusal)) }
        if let failure = state.failure { return .answered(.failure(.failed(reason: failure))) }

        let known = proposed.compactMap { state.reservation.eventIDs[$0.eventID] ?? state.index.eventIDs[$0.eventID] }
        if !known.isEmpty {
            return retry(of: proposed, known: known, stream: stream, waiter: waiter, in: &state)
        }

        let current = state.reservation.versions[stream] ?? state.index.streams[stream]?.version ?? 0
        guard expectedVersion.admits(current) else {
            return .answered(.failure(.wrongExpectedVersion(stream: stream, expected: expectedVersion, actual: current)))
        }
        var records: [LogRecord] = []
        records.reserveCapacity(proposed.count)
        // Strictly increasing along the log, so a time maps to one position.
        let recordedAt = max(configuration.clock(), state.reservation.lastRecordedAt + 1)
        for (i, record) in proposed.enumerated() {
            let position = state.reservation.end + 1 + UInt64(i)
            let version = current + 1 + UInt64(i)
            records.append(
                LogRecord(
                    position: LogPosition(position), stream: stream, streamVersion: version,
                    recordedAtMicros: recordedAt + Int64(i), type: record.type, schemaVersion: record.schemaVersion,
                    eventID: record.eventID, metadata: record.metadata, body: record.body))
            state.reservation.eventIDs[record.eventID] = LogIndex.EventEntry(
                position: position, streamVersion: version, stream: stream)
        }
        state.reservation.end += UInt64(records.count)
        state.reservation.versions[stream] = current + UInt64(records.count)
        state.reservation.lastRecordedAt = recordedAt + Int64(records.count - 1)
        let result = AppendResult(
            positions: records.map(\.position), streamVersion: current + UInt64(records.count), deduplicated: false,
            records: records)
        return enqueue(PendingAppend(records: records, result: result, waiters: [waiter]), in: &state)
    }

    /// Queues a reserved append and says whether the writer must be started or woken.
    func enqueue(_ append: PendingAppend, in state: inout State) -> Decision {
        state.queue.append(append)
        if let target = state.gatherTarget, state.queue.count >= target {
            state.gatherTarget = nil
            return .queuedWakeWriter
        }
        if state.writerActive { return .queued }
        state.writerActive = true
        return .queuedStartWriter
    }

    /// An append some of whose event ids the log already has: a retry answers the original
    /// positions (after they are durable); anything else is a conflict.
    private func retry(
        of proposed: [ProposedRecord], known: [LogIndex.EventEntry], stream: String,
        waiter: AppendWaiter, in state: inout State
    ) -> Decision {
        guard known.count == proposed.count else {
            let id = proposed.first { state.reservation.eventIDs[$0.eventID] ?? state.index.eventIDs[$0.eventID] != nil }!
            return .answered(
                .failure(.idempotencyConflict(eventID: id.eventID, reason: "only some of the append's ids are in the log")))
        }
        if let other = zip(proposed, known).first(where: { $0.1.stream != stream }) {
            return .answered(
                .failure(.idempotencyConflict(eventID: other.0.eventID, reason: "the id belongs to stream \(other.1.stream)")))
        }
        let result = AppendResult(
            positions: known.map { LogPosition($0.position) }, streamVersion: known.last!.streamVersion,
            deduplicated: true)
        let last = known.last!.position
        if last <= state.index.durableEnd { return .answered(.success(result)) }
        // Still on its way to disk: answer when (and only if) the original append does.
        for i in state.inFlight.indices where state.inFlight[i].positions.contains(last) {
            state.inFlight[i].waiters.append(waiter)
            state.inFlight[i].retryResults.append(result)
            return .queued
        }
        for i in state.queue.indices where state.queue[i].positions.contains(last) {
            state.queue[i].waiters.append(waiter)
            state.queue[i].retryResults.append(result)
            return .queued
        }
        return .answered(.failure(.failed(reason: "reserved position \(last) has no pending append")))
    }

    /// The writer loop, on the serial write queue: take everything queued, write it as
    /// frames with one sync, publish it, answer its appenders; until nothing is queued.
    func drain() {
        var previous: (appends: Int, seconds: Double)?
        while true {
            if let previous { gather(expecting: previous.appends, window: previous.seconds) }
            let batch: [PendingAppend]? = state.withLock { state in
                if state.queue.isEmpty {
                    state.writerActive = false
                    return nil
                }
                state.inFlight = state.queue
                state.queue = []
                return state.inFlight
            }
            guard let batch else { return }
            let records = batch.flatMap(\.records)
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = Result { () throws(EventLogError) -> SegmentWriter.Written in
                try writer.withLock { writer throws(EventLogError) -> SegmentWriter.Written in
                    // Never reached read-only: `reserve` queues nothing there.
                    guard let open = writer else { throw .readOnly(operation: "append", location: directory) }
                    return try open.write(
                        records, configuration: configuration, dictionaries: dictionaries, directory: directory)
                }
            }
            previous = (batch.count, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            switch outcome {
            case .success(let written): commit(records, written: written)
            case .failure(let error): fail(error)
            }
            startTrainingIfReady()
        }
    }

    /// Adaptive group commit: the appenders just answered usually append again at once. Waiting
    /// briefly for them (no longer than the last write took, and at most
    /// ``Configuration/maximumGatherDelay``) lets one sync carry all of them instead of
    /// splitting them into two alternating half-full batches. Returns as soon as they are back.
    private func gather(expecting appends: Int, window seconds: Double) {
        let limit = min(seconds, configuration.maximumGatherDelay)
        guard configuration.durability == .fsync, appends > 1, limit > 0 else { return }
        let mustWait = state.withLock { state in
            guard state.queue.count < appends, !state.closed else { return false }
            state.gatherTarget = appends
            return true
        }
        guard mustWait else { return }
        _ = gatherSignal.wait(timeout: .now() + .nanoseconds(Int(limit * 1e9)))
        state.withLock { $0.gatherTarget = nil }
    }

    /// Publishes a written batch: index, durable end, then answers appenders and waiters.
    private func commit(_ records: [LogRecord], written: SegmentWriter.Written) {
        let (batch, waiters, end) = state.withLock { state in
            if let segment = written.newSegment { state.index.segments.append(segment) }
            state.index.frames.append(contentsOf: written.frames)
            state.index.add(records)
            state.recent.add(records)
            state.reservation.release(records)
            let batch = state.inFlight
            state.inFlight = []
            state.statistics.recordBatch(
                appends: batch.count, records: records.count, frameLengths: written.frames.map(\.length),
                synced: configuration.durability == .fsync)
            let end = state.index.durableEnd
            let ready = state.waiters.filter { $0.value.after < end }
            for id in ready.keys { state.waiters[id] = nil }
            return (batch, ready.values.map(\.continuation), end)
        }
        for pending in batch { pending.resume(with: .success(())) }
        for waiter in waiters { waiter.resume(returning: LogPosition(end)) }
    }

    /// A write failed: every queued append fails with it and the reservation is dropped, so
    /// the next append starts again from the durable end.
    private func fail(_ error: EventLogError) {
        logger.error("log write failed", metadata: ["log.error": "\(error)"])
        let failed = state.withLock { state in
            let failed = state.inFlight + state.queue
            state.inFlight = []
            state.queue = []
            state.reservation = Reservation(end: state.index.durableEnd, lastRecordedAt: state.reservation.lastRecordedAt)
            if case .failed(let reason) = error { state.failure = reason }
            return failed
        }
        for pending in failed { pending.resume(with: .failure(error)) }
    }
}
