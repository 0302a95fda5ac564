import EventLog
import Synchronization

/// Lets identical log reads that run at the same time share one query.
///
/// Every SSE subscriber and the replay loop tail the log: when a frame lands, each of them reads from the same
/// position at once. With thousands of subscribers that was thousands of queries queued on a pool of a few
/// connections, and an append waiting behind them for its own connection gave up after
/// ``PostgresLogStore/Configuration/connectionTimeout`` and answered 503 (decision 0138). Sharing makes it one query
/// and one decode per position.
///
/// A caller joins a query in flight only if that query started when this node already knew the log to end at least
/// where the caller knows it ends now (`knownEnd`): its snapshot then holds every record the caller could expect.
/// Otherwise the caller starts a new query, which later callers join.
final class SharedReads: Sendable {
    struct Key: Hashable {
        var start: UInt64
        var limit: Int
    }

    private struct Flight {
        var id: Int
        var knownEnd: UInt64
        var task: Task<[LogRecord], any Error>
    }

    private struct State {
        var flights: [Key: Flight] = [:]
        var nextID = 0
        var queries = 0
    }

    private let state = Mutex(State())

    /// How many queries ran (the rest of the reads joined one): what the tests count.
    var queries: Int { state.withLock { $0.queries } }

    /// The records `query` returns for `key`, from a query already in flight when it is fresh enough, else from a
    /// new one. The query runs in its own task, so one caller's cancellation does not fail the others; a caller
    /// waits for it to end (the lease's timeout and deadline bound it).
    func read(
        _ key: Key, knownEnd: UInt64, _ query: @escaping @Sendable () async throws -> [LogRecord]
    ) async throws -> [LogRecord] {
        let task = state.withLock { state -> Task<[LogRecord], any Error> in
            if let flight = state.flights[key], flight.knownEnd >= knownEnd { return flight.task }
            state.nextID += 1
            state.queries += 1
            let id = state.nextID
            // The task removes its own entry when done; it cannot take the lock before this closure returns.
            let task = Task {
                defer { self.finish(key, id: id) }
                return try await query()
            }
            state.flights[key] = Flight(id: id, knownEnd: knownEnd, task: task)
            return task
        }
        return try await task.value
    }

    private func finish(_ key: Key, id: Int) {
        state.withLock { state in
            if state.flights[key]?.id == id { state.flights[key] = nil }
        }
    }
}
