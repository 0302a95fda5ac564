import EventLog
import Foundation
@testable import PostgresLog
import TestSupport
import Testing

/// Thousands of tailing subscribers must not starve appends of a connection (decision 0138): appends have a
/// connection of their own, and readers of the same position share one query.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresBusyPoolTests {
    @Test func anAppendDoesNotWaitForAReadConnection() async throws {
        try await TestPostgres.withDatabase { url in
            var configuration = PostgresFixtures.configuration()
            configuration.maximumConnections = 2
            configuration.connectionTimeout = .seconds(1)
            let log = try await PostgresLogStore.open(url: url, configuration: configuration)
            // Every read connection is busy (with the listener's): as under thousands of subscribers' reads.
            let sleep = SleepingStatement(seconds: 5)
            let busy = (0..<2).map { _ in sleep.start(on: log) }
            try #require(try await sleep.awaitRunning(url) != "0")
            // Before decision 0138 this waited `connectionTimeout` for a read connection and failed as unavailable.
            let appended = try await log.append([PostgresFixtures.record("while reads hold the pool")], to: "s-1")
            #expect(appended.streamVersion == 1)
            for task in busy { task.cancel() }
            await log.close()
        }
    }

    @Test func tailingReadersOfOnePositionShareOneQuery() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("before")], to: "s-1")
            let start = try await log.durableEnd().next
            let readers = 200
            let received = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<readers {
                    group.addTask {
                        for try await record in log.tail(from: start) { return PostgresFixtures.text(of: record) }
                        return ""
                    }
                }
                // Let every reader find the log empty past `start` and wait, then wake them all with one frame.
                try await Task.sleep(for: .seconds(1))
                let before = log.sharedReads.queries
                _ = try await log.append([PostgresFixtures.record("wakes every reader")], to: "s-2")
                var texts: [String] = []
                for try await text in group { texts.append(text) }
                return (texts, log.sharedReads.queries - before)
            }
            #expect(received.0 == Array(repeating: "wakes every reader", count: readers))
            // One query per wake-up, plus a few for readers the scheduler ran after that query had ended.
            #expect(received.1 < readers / 10, "queries for \(readers) readers of one position")
            await log.close()
        }
    }
}
