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
///
/// A cancelled caller stops waiting at once (an SSE subscriber that disconnected frees its task); the query goes on
/// for the others. When its last caller is gone the query is forgotten, so no later caller joins it, but not
/// cancelled: cancelling a query that holds a pooled connection closes that connection (the lease abandons it), and
/// a mass disconnect would empty the pool; the query ends on its own, bounded by the lease's timeout and deadline.
final class SharedReads: Sendable {
    struct Key: Hashable {
        var start: UInt64
        var limit: Int
    }

    private typealias Waiter = CheckedContinuation<[LogRecord], any Error>

    private struct Flight {
        var key: Key
        var knownEnd: UInt64
        var waiters: [Int: Waiter] = [:]
    }

    private struct State {
        /// Flights by id; `latest` names the one a caller of a key may join.
        var flights: [Int: Flight] = [:]
        var latest: [Key: Int] = [:]
        var nextID = 0
        var queries = 0

        mutating func makeID() -> Int {
            nextID += 1
            return nextID
        }

        /// Takes flight `id` out, with its waiters.
        mutating func remove(_ id: Int) -> Flight? {
            guard let flight = flights.removeValue(forKey: id) else { return nil }
            if latest[flight.key] == id { latest[flight.key] = nil }
            return flight
        }
    }

    private let state = Mutex(State())

    /// How many queries ran (the rest of the reads joined one): what the tests count.
    var queries: Int { state.withLock { $0.queries } }

    /// The records `query` returns for `key`, from a query already in flight when it is fresh enough, else from a
    /// new one. The query runs in its own task, so one caller's cancellation does not fail the others; a cancelled
    /// caller gets `CancellationError` without waiting for it.
    func read(
        _ key: Key, knownEnd: UInt64, _ query: @escaping @Sendable () async throws -> [LogRecord]
    ) async throws -> [LogRecord] {
        let waiter = state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                // The cancellation handler takes the same lock, so either it finds the waiter registered here or
                // this sees the task cancelled.
                let started = state.withLock { state -> Int? in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return nil
                    }
                    if let id = state.latest[key], state.flights[id]!.knownEnd >= knownEnd {
                        state.flights[id]!.waiters[waiter] = continuation
                        return nil
                    }
                    let id = state.makeID()
                    state.queries += 1
                    state.flights[id] = Flight(key: key, knownEnd: knownEnd, waiters: [waiter: continuation])
                    state.latest[key] = id
                    return id
                }
                guard let id = started else { return }
                Task {
                    let result: Result<[LogRecord], any Error>
                    do { result = .success(try await query()) } catch { result = .failure(error) }
                    self.finish(id, with: result)
                }
            }
        } onCancel: {
            cancel(waiter)
        }
    }

    private func finish(_ id: Int, with result: Result<[LogRecord], any Error>) {
        guard let flight = state.withLock({ $0.remove(id) }) else { return }
        for waiter in flight.waiters.values { waiter.resume(with: result) }
    }

    /// Stops `waiter`'s wait; the flight it waited for is forgotten when it was the last one.
    private func cancel(_ waiter: Int) {
        let continuation = state.withLock { state -> Waiter? in
            let flight = state.flights.first { $0.value.waiters[waiter] != nil }
            guard let id = flight?.key else { return nil }
            let continuation = state.flights[id]!.waiters.removeValue(forKey: waiter)
            if state.flights[id]!.waiters.isEmpty { _ = state.remove(id) }
            return continuation
        }
        continuation?.resume(throwing: CancellationError())
    }
}
