extension EventLog {
    /// Queues records moved from another log (positions, versions and times kept) for the writer, as an append
    /// whose decisions were made elsewhere; see ``LogStore/appendMoved(_:)``.
    public func appendMoved(_ records: [LogRecord]) async throws {
        if let refusal = readOnlyRefusal(of: "append") { throw refusal }
        guard let last = records.last else { return }
        _ = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AppendResult, any Error>) in
            let waiter = AppendWaiter.continuation(continuation)
            let decision = state.withLock { state -> Decision in
                if state.closed { return .answered(.failure(.closed)) }
                if let failure = state.failure { return .answered(.failure(.failed(reason: failure))) }
                let reservation = state.reservation
                let index = state.index
                if let reason = MovedRecords.discontinuity(
                    records, end: reservation.end, lastRecordedAt: reservation.lastRecordedAt,
                    version: { reservation.versions[$0] ?? index.streams[$0]?.version ?? 0 })
                {
                    return .answered(.failure(.invalidAppend(reason: reason)))
                }
                if let known = records.first(where: { reservation.eventIDs[$0.eventID] ?? index.eventIDs[$0.eventID] != nil }) {
                    return .answered(.failure(.invalidAppend(reason: "event id \(known.eventID) is already in the log")))
                }
                for record in records {
                    state.reservation.eventIDs[record.eventID] = LogIndex.EventEntry(
                        position: record.position.rawValue, streamVersion: record.streamVersion, stream: record.stream)
                    state.reservation.versions[record.stream] = record.streamVersion
                }
                state.reservation.end = last.position.rawValue
                state.reservation.lastRecordedAt = last.recordedAtMicros
                let result = AppendResult(
                    positions: records.map(\.position), streamVersion: last.streamVersion, deduplicated: false,
                    records: records)
                return enqueue(PendingAppend(records: records, result: result, waiters: [waiter]), in: &state)
            }
            act(on: decision, waiter: waiter)
        }
    }
}
