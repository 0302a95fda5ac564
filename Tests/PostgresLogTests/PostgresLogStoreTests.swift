import EventLog
import Foundation
import LogStores
import PostgresLog
import TestSupport
import Testing

/// The file store's behaviours (EventLogAppendTests), on the PostgreSQL store against a real server.
/// One test at a time: each opens several connections, and the whole package's tests run at once on two cores.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresLogStoreTests {
    @Test func appendAssignsDensePositionsAndVersions() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let first = try await log.append(
                [PostgresFixtures.record("a"), PostgresFixtures.record("b")], to: "s1", expectedVersion: .noStream)
            let second = try await log.append([PostgresFixtures.record("c")], to: "s2")
            let third = try await log.append([PostgresFixtures.record("d")], to: "s1", expectedVersion: .exact(2))
            #expect(first.positions == [LogPosition(1), LogPosition(2)])
            #expect(first.streamVersion == 2)
            #expect(second.positions == [LogPosition(3)])
            #expect(third.positions == [LogPosition(4)])
            #expect(third.streamVersion == 3)
            let records = try await log.read(from: LogPosition(1), limit: 10)
            #expect(records.map(PostgresFixtures.text) == ["a", "b", "c", "d"])
            #expect(records.map(\.streamVersion) == [1, 2, 1, 3])
            #expect(records.map(\.stream) == ["s1", "s1", "s2", "s1"])
            #expect(records[0].metadata == ["request.id": "r-1"])
            #expect(zip(records, records.dropFirst()).allSatisfy { $0.recordedAtMicros < $1.recordedAtMicros })
            #expect(try await log.durableEnd() == LogPosition(4))
            // A read from the middle of a frame, and a limit.
            #expect(try await log.read(from: LogPosition(2), limit: 2).map(PostgresFixtures.text) == ["b", "c"])
            #expect(try await log.read(from: LogPosition(5), limit: 10).isEmpty)
            #expect(try await log.readStream("s1", fromVersion: 2).map(PostgresFixtures.text) == ["b", "d"])
            #expect(try await log.streamVersion("s1") == 3)
            #expect(try await log.streamVersion("nobody") == 0)
            await log.close()
        }
    }

    @Test func aBatchAppendAnswersEachStreamOnItsOwnAndInOrder() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let results = await log.append(batch: [
                StreamAppend([PostgresFixtures.record("a")], to: "s1", expectedVersion: .noStream),
                StreamAppend([PostgresFixtures.record("x")], to: "s2", expectedVersion: .exact(3)),
                StreamAppend([PostgresFixtures.record("b")], to: "s1", expectedVersion: .exact(1)),
                StreamAppend([PostgresFixtures.record("c")], to: "s3"),
            ])
            #expect(try results[0].get().streamVersion == 1 && results[2].get().streamVersion == 2)
            #expect(try results[3].get().streamVersion == 1)
            #expect(throws: (any Error).self) { try results[1].get() }
            #expect(try await log.readStream("s1", fromVersion: 1).map(PostgresFixtures.text) == ["a", "b"])
            #expect(try await log.streamVersion("s2") == 0)
            await log.close()
        }
    }

    @Test func aPostgresLocationOpensThePostgresStore() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await LogLocation(url).open()
            #expect(log is PostgresLogStore)
            #expect(log.summary.hasPrefix("PostgreSQL at "))
            #expect(try await log.append([PostgresFixtures.record("a")], to: "s", expectedVersion: .any).positions == [LogPosition(1)])
            await log.close()
        }
    }

    @Test func wrongExpectedVersionAppendsNothing() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("a")], to: "s", expectedVersion: .noStream)
            for expected in [ExpectedVersion.noStream, .exact(0), .exact(2)] {
                await #expect {
                    _ = try await log.append([PostgresFixtures.record("x")], to: "s", expectedVersion: expected)
                } throws: { error in
                    guard case EventLogError.wrongExpectedVersion(let stream, _, let actual) = error else { return false }
                    return stream == "s" && actual == 1
                }
            }
            await #expect(throws: EventLogError.self) {
                _ = try await log.append([PostgresFixtures.record("x")], to: "new", expectedVersion: .streamExists)
            }
            #expect(try await log.durableEnd() == LogPosition(1))
            #expect(try await log.streamVersion("s") == 1)
            await log.close()
        }
    }

    /// An error the server reports about the append itself (here: text PostgreSQL cannot store) is the append's
    /// alone, `refused`, not "the store cannot be reached" (which would tell the client to retry, and fail every
    /// append queued behind it).
    @Test func anAppendTheServerRefusesIsRefusedNotUnavailable() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            await #expect {
                _ = try await log.append([PostgresFixtures.record("a")], to: "nul\u{0}stream")
            } throws: { error in
                guard case EventLogError.refused = error else { return false }
                return true
            }
            #expect(try await log.append([PostgresFixtures.record("b")], to: "s").positions == [LogPosition(1)])
            await log.close()
        }
    }

    @Test func repeatedEventIDsReturnTheOriginalPositions() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let ids = [EventID.random(), EventID.random()]
            let records = [PostgresFixtures.record("a", id: ids[0]), PostgresFixtures.record("b", id: ids[1])]
            let original = try await log.append(records, to: "s")
            _ = try await log.append([PostgresFixtures.record("c")], to: "other")
            let retry = try await log.append(records, to: "s", expectedVersion: .noStream)
            #expect(retry.deduplicated)
            #expect(retry.positions == original.positions)
            #expect(retry.streamVersion == 2)
            #expect(try await log.durableEnd() == LogPosition(3))
            // Some ids known and some not, or an id of another stream: a conflict, nothing appended.
            await #expect {
                _ = try await log.append([PostgresFixtures.record("a", id: ids[0]), PostgresFixtures.record("new")], to: "s")
            } throws: { error in
                if case EventLogError.idempotencyConflict(let id, _) = error { return id == ids[0] }
                return false
            }
            await #expect(throws: EventLogError.self) {
                _ = try await log.append([PostgresFixtures.record("a", id: ids[0])], to: "elsewhere")
            }
            #expect(try await log.durableEnd() == LogPosition(3))
            // A retry after reopening (another node, or a restart) is still recognised.
            await log.close()
            let reopened = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let late = try await reopened.append(records, to: "s")
            #expect(late.deduplicated && late.positions == original.positions)
            await reopened.close()
        }
    }

    @Test func concurrentAppendersShareFramesWithoutGaps() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let writers = 16, appends = 25
            let results = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var results: [AppendResult] = []
                        for i in 0..<appends {
                            results.append(
                                try await log.append(
                                    [PostgresFixtures.record("w\(writer)-\(i)")], to: "stream-\(writer % 4)"))
                        }
                        return results
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let total = writers * appends
            #expect(results.flatMap(\.positions).map(\.rawValue).sorted() == Array(1...UInt64(total)))
            #expect(try await log.durableEnd() == LogPosition(UInt64(total)))
            let statistics = log.statistics
            #expect(statistics.records == UInt64(total))
            #expect(statistics.frames < UInt64(total), "concurrent appends share frames (group commit)")
            let records = try await log.read(from: LogPosition(1), limit: total + 10)
            #expect(records.map(\.position.rawValue) == Array(1...UInt64(total)))
            for stream in 0..<4 {
                let versions = PostgresFixtures.versions(of: "stream-\(stream)", in: records)
                #expect(versions == Array(1...UInt64(versions.count)))
            }
            // The frames chain: each names the checksum of the one before.
            #expect(try PostgresFixtures.chainBreaks(url) == "0")
            await log.close()
        }
    }

    @Test func tailFollowsAppendsOfAnotherNode() async throws {
        try await TestPostgres.withDatabase { url in
            let writer = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let reader = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await writer.append([PostgresFixtures.record("before")], to: "s")
            let tailed = Task {
                var texts: [String] = []
                for try await record in reader.tail(from: LogPosition(1)) {
                    texts.append(PostgresFixtures.text(of: record))
                    if texts.count == 3 { break }
                }
                return texts
            }
            _ = try await writer.append([PostgresFixtures.record("one")], to: "s")
            _ = try await writer.append([PostgresFixtures.record("two")], to: "t")
            #expect(try await tailed.value == ["before", "one", "two"])
            #expect(try await reader.waitForDurableEnd(after: LogPosition(2)) == LogPosition(3))
            await writer.close()
            await reader.close()
        }
    }

    @Test func nodesRacingOnOneStreamHaveExactlyOneWinnerPerVersion() async throws {
        try await TestPostgres.withDatabase { url in
            let nodes = [
                try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration()),
                try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration()),
            ]
            for round in 0..<20 {
                let outcomes = await withTaskGroup(of: Bool.self) { group in
                    for (n, node) in nodes.enumerated() {
                        group.addTask {
                            do {
                                _ = try await node.append(
                                    [PostgresFixtures.record("r\(round)-n\(n)")], to: "race",
                                    expectedVersion: round == 0 ? .noStream : .exact(UInt64(round)))
                                return true
                            } catch EventLogError.wrongExpectedVersion {
                                return false
                            } catch {
                                Issue.record("unexpected \(error)")
                                return false
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
            }
            #expect(try await nodes[1].streamVersion("race") == 20)
            #expect(try await nodes[0].read(from: LogPosition(1), limit: 100).count == 20)
            for node in nodes { await node.close() }
        }
    }

    @Test func framesCarryTheSegmentFormatAndSurviveReopen() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            for i in 0..<50 { _ = try await log.append([PostgresFixtures.record("r\(i)")], to: "s\(i % 3)") }
            await log.close()
            // Every stored frame is a whole segment frame: magic, header, checksum (verified on read).
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.frame WHERE substring(bytes for 4) <> 'SDFR'::bytea") == "0")
            let reopened = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            #expect(try await reopened.durableEnd() == LogPosition(50))
            #expect(try await reopened.read(from: LogPosition(1), limit: 100).map(PostgresFixtures.text) == (0..<50).map { "r\($0)" })
            #expect(try await reopened.append([PostgresFixtures.record("more")], to: "s0").positions == [LogPosition(51)])
            await reopened.close()
            // A damaged frame is reported as corruption, not decoded. (Only a compactor of schema 6 or later may
            // update a frame: decision 0177.)
            try TestPostgres.psql(
                url,
                """
                SET sessiond.compactor_schema = '6';
                UPDATE sessiond.frame SET bytes = set_byte(bytes, 50, get_byte(bytes, 50) # 255) WHERE first_position = 1
                """)
            let damaged = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            await #expect {
                _ = try await damaged.read(from: LogPosition(1), limit: 1)
            } throws: { error in
                if case EventLogError.corruption = error { return true }
                return false
            }
            await damaged.close()
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            await log.close()
            #expect(try TestPostgres.psql(url, "SELECT version FROM sessiond.schema_version") == "6")
            try TestPostgres.psql(url, "UPDATE sessiond.schema_version SET version = 99")
            await #expect {
                _ = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            } throws: { error in
                guard case PostgresLogError.schemaTooNew(let found, let supported) = error else { return false }
                return found == 99 && supported == 6
            }
        }
    }

    /// What `sessiond verify`, `export` and `events` open: no schema created or migrated, no row written.
    @Test func aReadOnlyOpenCreatesMigratesAndWritesNothing() async throws {
        try await TestPostgres.withDatabase { url in
            var readOnly = PostgresFixtures.configuration()
            readOnly.isReadOnly = true
            await #expect {
                _ = try await PostgresLogStore.open(url: url, configuration: readOnly)
            } throws: { error in
                guard case PostgresLogError.schemaNotMigrated(let found, let supported) = error else { return false }
                return found == 0 && supported == 6
            }
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'sessiond'") == "0")

            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("a"), PostgresFixtures.record("b")], to: "s")
            await log.close()
            let reader = try await PostgresLogStore.open(url: url, configuration: readOnly)
            #expect(try await reader.durableEnd() == LogPosition(2))
            #expect(try await reader.read(from: LogPosition(1), limit: 10).map(PostgresFixtures.text) == ["a", "b"])
            #expect(reader.summary.contains("read-only"))
            await #expect {
                _ = try await reader.append([PostgresFixtures.record("c")], to: "s")
            } throws: { error in
                guard case EventLogError.readOnly(let operation, _) = error else { return false }
                return operation == "append"
            }
            await #expect { _ = try await reader.compact(rewriting: { _ in nil }) } throws: { error in
                guard case EventLogError.readOnly = error else { return false }
                return true
            }
            await reader.close()
            #expect(try TestPostgres.psql(url, "SELECT end_position FROM sessiond.log_head") == "2")

            // An older schema is refused, and left as it is: the nodes that run it keep running.
            try TestPostgres.psql(url, "UPDATE sessiond.schema_version SET version = 4")
            await #expect {
                _ = try await PostgresLogStore.open(url: url, configuration: readOnly)
            } throws: { error in
                guard case PostgresLogError.schemaNotMigrated(let found, _) = error else { return false }
                return found == 4
            }
            #expect(try TestPostgres.psql(url, "SELECT version FROM sessiond.schema_version") == "4")
        }
    }

    @Test func anUnreachableServerFailsOpenWithAClearError() async throws {
        var configuration = PostgresFixtures.configuration()
        configuration.openTimeout = .seconds(1)
        let started = ContinuousClock.now
        await #expect {
            // Port 1 on loopback: nothing listens there.
            _ = try await PostgresLogStore.open(url: "postgres://sessiond@127.0.0.1:1/none", configuration: configuration)
        } throws: { error in
            guard case PostgresLogError.unreachable(let location, _) = error else { return false }
            return location == "postgres://sessiond@127.0.0.1:1/none"
        }
        // Bounded, not hanging (the pool alone would retry for 15 s); generous, as the tests share two cores.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func dictionariesTrainedByOneNodeDecodeOnAnother() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(
                url: url, configuration: PostgresFixtures.configuration(training: .afterSampleBytes(16 << 10)))
            var i = 0
            // Training runs in the background once enough samples exist; append until a frame names a dictionary.
            while try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.frame WHERE dictionary_id <> 0") == "0" {
                let text = "message \(i) about the agent's tool call number \(i % 13) with some repeated context"
                _ = try await log.append([PostgresFixtures.record(text)], to: "s\(i % 5)")
                i += 1
                try #require(i < 5000, "no frame used a dictionary")
            }
            await log.close()
            let other = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let records = try await other.read(from: LogPosition(1), limit: i + 1)
            #expect(records.count == i)
            #expect(records.last.map(PostgresFixtures.text)?.hasPrefix("message \(i - 1) ") == true)
            await other.close()
        }
    }
}
