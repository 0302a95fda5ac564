import Foundation
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
            let sleep = SleepingStatement(seconds: 60)
            let sleeping = sleep.start(on: log)
            // Cancel once the statement runs (before, the cancellation only withdraws the pool request).
            try #require(try await sleep.awaitRunning(url) == "1")
            sleeping.cancel()
            await #expect(throws: CancellationError.self) { _ = try await sleeping.value }
            #expect(ContinuousClock.now - started < .seconds(20))
            // The connection was closed, so PostgreSQL ended the statement instead of sleeping on.
            var remaining = "1"
            for _ in 0..<100 where remaining != "0" {
                try await Task.sleep(for: .milliseconds(100))
                remaining = try sleep.running(url)
            }
            #expect(remaining == "0")
            await log.close()
        }
    }
}
