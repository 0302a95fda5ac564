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
/// passed (then closing it, so PostgreSQL rolls back whatever was not committed).
///
/// When PostgreSQL shuts down (`pg_ctl stop -m fast`) while a statement is in flight, postgres-nio 1.33 was seen to
/// leave that statement, and any later one on the same connection, waiting forever although the socket is closed:
/// the append writer then hung and every append on the node with it (tools/pg/load --faults). So the body is not
/// awaited past the connection's end; if it is stuck, it stays stuck on a dead connection that never returns to
/// use (the pool drops closed connections).
func watched<T: Sendable>(
    _ connection: PostgresConnection, deadline: Duration, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let answer = AnswerOnce(continuation)
        let work = Task {
            do {
                answer.resume(with: .success(try await body()))
            } catch {
                answer.resume(with: .failure(error))
            }
        }
        Task {
            let clock = ContinuousClock()
            let start = clock.now
            while !answer.isAnswered {
                let lost = connection.isClosed
                if lost || start.duration(to: clock.now) > deadline {
                    let reason =
                        lost ? "the connection to PostgreSQL closed during the transaction"
                        : "no answer from PostgreSQL within \(deadline)"
                    if answer.resume(with: .failure(EventLogError.unavailable(reason: reason))) {
                        work.cancel()
                        connection.close().whenComplete { _ in }
                    }
                    return
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}

/// Set once the lease is granted. The `Mutex` makes it safe to share between the two racing tasks.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Resumes a continuation at most once, from whichever of the racing tasks comes first.
private final class AnswerOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }

    var isAnswered: Bool { continuation.withLock { $0 == nil } }

    /// Returns whether this call was the one that answered.
    @discardableResult func resume(with result: Result<T, any Error>) -> Bool {
        guard let waiting = continuation.withLock({ value -> CheckedContinuation<T, any Error>? in
            defer { value = nil }
            return value
        }) else { return false }
        waiting.resume(with: result)
        return true
    }
}
