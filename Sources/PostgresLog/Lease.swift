import EventLog
import PostgresNIO
import Synchronization

/// Leases a pooled connection for `body`, but gives up waiting for one after `timeout`: while PostgreSQL is down
/// the pool keeps retrying to connect, and an append must fail fast (503) instead of hanging. Once `body` has its
/// connection it runs to the end; only the wait for the lease is cut short, so no transaction is ever abandoned
/// half-way on a connection that goes back to the pool.
/// - Throws: ``EventLog/EventLogError/unavailable(reason:)`` when no connection came within `timeout`; whatever
///   `body` throws.
func withLease<T: Sendable>(
    _ client: PostgresClient, timeout: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
) async throws -> T {
    let leased = LeaseFlag()
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await client.withConnection { connection in
                leased.set()
                return try await body(connection)
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

/// Set once the lease is granted. The `Mutex` makes it safe to share between the two racing tasks.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
