import Foundation
import Logging
@testable import PostgresLog
import TestSupport
import Testing

/// Leased statements end when the node gives up on them, so closing a node never waits for one.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresLeaseTests {
    @Test func aLeasedStatementStopsWhenItsTaskIsCancelled() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let started = ContinuousClock.now
            let sleeping = Task {
                try await withLease(log.client, timeout: .seconds(20), deadline: .seconds(3600)) { connection in
                    try await connection.query("SELECT pg_sleep(60)", logger: Logger(label: "test"))
                    return 0
                }
            }
            // Cancel once the statement runs (before, the cancellation only withdraws the pool request).
            var running = "0"
            for _ in 0..<200 where running == "0" {
                try await Task.sleep(for: .milliseconds(50))
                running = try TestPostgres.psql(
                    url, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'")
            }
            try #require(running == "1")
            sleeping.cancel()
            await #expect(throws: CancellationError.self) { _ = try await sleeping.value }
            #expect(ContinuousClock.now - started < .seconds(20))
            // The connection was closed, so PostgreSQL ended the statement instead of sleeping on.
            var remaining = "1"
            for _ in 0..<100 where remaining != "0" {
                try await Task.sleep(for: .milliseconds(100))
                remaining = try TestPostgres.psql(
                    url, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'")
            }
            #expect(remaining == "0")
            await log.close()
        }
    }
}
