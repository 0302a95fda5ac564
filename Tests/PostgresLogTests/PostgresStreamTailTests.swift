import EventLog
import Foundation
@testable import PostgresLog
import TestSupport
import Testing

/// Stream tails on PostgreSQL: woken by every frame, they learn that their stream did not grow from one shared read
/// of the frame, not from a version query each.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresStreamTailTests {
    @Test func subscribersOfQuietStreamsShareOneReadPerFrame() async throws {
        try await TestPostgres.withDatabase { url in
            // No polling during the count (it would add a read every 50 ms however slow the machine): the appends'
            // own notifications wake the tails.
            var configuration = PostgresFixtures.configuration()
            configuration.pollInterval = .seconds(60)
            let log = try await PostgresLogStore.open(url: url, configuration: configuration)
            let (subscribers, frames) = (20, 10)
            for index in 0..<subscribers {
                _ = try await log.append([PostgresFixtures.record("opening \(index)")], to: "quiet-\(index)")
            }
            let start = try await log.durableEnd()
            let tails = (0..<subscribers).map { index in
                Task {
                    var seen: [String] = []
                    for try await record in log.tail(stream: "quiet-\(index)", after: start) {
                        seen.append(PostgresFixtures.text(of: record))
                        if seen.count == 1 { return seen }
                    }
                    return seen
                }
            }
            // Every tail has made its first check and waits.
            while log.state.withLock({ $0.waiters.count }) < subscribers { try await Task.sleep(for: .milliseconds(20)) }
            let before = log.readQueries
            for index in 0..<frames {
                _ = try await log.append([PostgresFixtures.record("busy \(index)")], to: "busy")
                try await Task.sleep(for: .milliseconds(100))
            }
            let queries = log.readQueries - before
            // Measured: 220 before (a version query per subscriber and frame, plus the node's polls), 31 with one
            // shared read per frame while polling every 50 ms.
            #expect(queries <= frames * 5, "\(queries) read queries for \(frames) frames and \(subscribers) subscribers")
            // A quiet stream's tail still sees its own next record.
            _ = try await log.append([PostgresFixtures.record("wake 0")], to: "quiet-0")
            #expect(try await tails[0].value == ["wake 0"])
            for tail in tails.dropFirst() { tail.cancel() }
            await log.close()
        }
    }
}
