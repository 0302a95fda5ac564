import EventLog
import PostgresNIO
import Synchronization

/// Leases a pooled connection for `body`, but gives up waiting for one after `timeout`: while PostgreSQL is down
/// the pool keeps retrying to connect, and an append must fail fast (503) instead of hanging. Once `body` has its
/// connection it runs until it finishes, the connection closes, or `deadline` passes (see ``watched(_:deadline:_:)``).
/// - Throws: ``EventLog/EventLogError/unavailable(reason:)`` when no connection came within `timeout` or the
///   connection was lost; whatever `body` throws.
func withLease<T: Sendable>(
    _ client: PostgresClient, timeout: Duration, deadline: Duration,
    _ body: @escaping @Sendable (PostgresConnection) async throws -> T
) async throws -> T {
    let leased = LeaseFlag()
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await client.withConnection { connection in
                leased.set()
                return try await watched(connection, deadline: deadline) { try await body(connection) }
            }
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            guard leased.isSet else {
                throw EventLogError.unavailable(reason: "no connection to PostgreSQL within \(timeout)")
            }
            return nil
        }
        while let result = try await group.next() {
            if let value = result {
                group.cancelAll()
                return value
            }
        }
        throw CancellationError()
    }
}

/// Runs `body` on `connection` but answers "unavailable" as soon as the connection is closed or `deadline` has
/// passed, and `CancellationError` as soon as the calling task is cancelled (then closing it, so PostgreSQL rolls
/// back whatever was not committed — a compaction's `VACUUM FULL` too, so shutting down does not wait for it).
///
/// When PostgreSQL shuts down (`pg_ctl stop -m fast`) while a statement is in flight, postgres-nio 1.33 was seen to
/// leave that statement, and any later one on the same connection, waiting forever although the socket is closed:
/// the append writer then hung and every append on the node with it (tools/pg/load --faults). So the body is not
/// awaited past the connection's end; if it is stuck, it stays stuck on a dead connection that never returns to
/// use (the pool drops closed connections).
func watched<T: Sendable>(
    _ connection: PostgresConnection, deadline: Duration, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let answer = AnswerOnce<T>()
    let work = Mutex<Task<Void, Never>?>(nil)
    /// Answers `error` unless answered already; then stops the body and drops the connection.
    let abandon: @Sendable (any Error) -> Void = { error in
        guard answer.resume(with: .failure(error)) else { return }
        work.withLock { $0 }?.cancel()
        connection.close().whenComplete { _ in }
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            answer.set(continuation)
            if Task.isCancelled {
                abandon(CancellationError())
                return
            }
            work.withLock {
                $0 = Task {
                    do {
                        answer.resume(with: .success(try await body()))
                    } catch {
                        answer.resume(with: .failure(error))
                    }
                }
            }
            // A cancellation between the check above and here found no task to stop.
            if answer.isAnswered { work.withLock { $0 }?.cancel() }
            Task {
                let clock = ContinuousClock()
                let start = clock.now
                while !answer.isAnswered {
                    let lost = connection.isClosed
                    if lost || start.duration(to: clock.now) > deadline {
                        abandon(
                            EventLogError.unavailable(
                                reason: lost
                                    ? "the connection to PostgreSQL closed during the transaction"
                                    : "no answer from PostgreSQL within \(deadline)"))
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    } onCancel: {
        abandon(CancellationError())
    }
}

/// Set once the lease is granted. The `Mutex` makes it safe to share between the two racing tasks.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Resumes a continuation at most once, from whichever of the racing tasks comes first. A cancellation can come
/// before the continuation exists: then the answer waits in `early` for ``set(_:)``.
private final class AnswerOnce<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var answered = false
        var early: Result<T, any Error>?
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            guard let early = state.early else {
                state.continuation = continuation
                return nil
            }
            return early
        }
        if let early { continuation.resume(with: early) }
    }

    var isAnswered: Bool { state.withLock { $0.answered } }

    /// Returns whether this call was the one that answered.
    @discardableResult func resume(with result: Result<T, any Error>) -> Bool {
        let waiting = state.withLock { state -> (Bool, CheckedContinuation<T, any Error>?) in
            guard !state.answered else { return (false, nil) }
            state.answered = true
            defer { state.continuation = nil }
            if state.continuation == nil { state.early = result }
            return (true, state.continuation)
        }
        waiting.1?.resume(with: result)
        return waiting.0
    }
}
