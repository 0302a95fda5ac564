import EventLog
import Foundation
import PostgresLog
import TestSupport
import Testing

/// The one-statement append of schema version 3 (decision 0098): its compare-and-set on the head, the migration
/// that brings it, and several nodes moving the head under each other.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresAppendStatementTests {
    @Test func anAppendAfterAStaleHeadWritesNothingAndAnswersTheFacts() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let first = EventID.random()
            _ = try await log.append(
                [PostgresFixtures.record("a", id: first), PostgresFixtures.record("b"), PostgresFixtures.record("c")],
                to: "s")
            await log.close()
            // A frame encoded after position 0, as a node that missed the three records would send it.
            let answer = try TestPostgres.psql(
                url,
                """
                SELECT kind, position, stream, stream_version FROM sessiond.append(0, 0, 0,
                    ARRAY['s'], ARRAY['\(first.uuid.uuidString)']::uuid[],
                    ARRAY[1]::bigint[], ARRAY[1]::bigint[], ARRAY[1], ARRAY[0], ARRAY[7]::bigint[], ARRAY[0]::bigint[],
                    ARRAY['\\x00'::bytea], ARRAY[1]::bigint[], ARRAY[1]::bigint[], ARRAY['s'], ARRAY[1]::bigint[],
                    ARRAY[gen_random_uuid()], 0, '1s', true)
                ORDER BY kind
                """)
            #expect(answer.split(separator: "\n") == ["event|1|s|1", "head|3||", "version||s|3"])
            #expect(try TestPostgres.psql(url, "SELECT count(*), max(last_position) FROM sessiond.frame") == "1|3")
            #expect(try TestPostgres.psql(url, "SELECT end_position FROM sessiond.log_head") == "3")
        }
    }

    @Test func aVersion2DatabaseIsMigratedAndKeepsItsLog() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("one"), PostgresFixtures.record("two")], to: "s")
            await log.close()
            // Version 3 only added the append functions and their row type, version 4 the blob table, version 5 the
            // shared documents, version 6 the frame rewrite trigger: without them the database is at 2.
            try TestPostgres.psql(
                url,
                """
                DROP FUNCTION sessiond.append; DROP FUNCTION sessiond.log_facts; DROP TYPE sessiond.log_fact;
                DROP TABLE sessiond.blob; DROP TABLE sessiond.shared_document;
                DROP TRIGGER frame_rewritten_by_a_current_compactor ON sessiond.frame;
                DROP FUNCTION sessiond.refuse_older_compactor; UPDATE sessiond.schema_version SET version = 2
                """)
            let reopened = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            #expect(try TestPostgres.psql(url, "SELECT version FROM sessiond.schema_version") == "6")
            #expect(try await reopened.blobs.stored() == [])
            let appended = try await reopened.append([PostgresFixtures.record("three")], to: "s", expectedVersion: .exact(2))
            #expect(appended.positions == [LogPosition(3)] && appended.streamVersion == 3)
            let texts = try await reopened.read(from: LogPosition(1), limit: 10).map(PostgresFixtures.text(of:))
            #expect(texts == ["one", "two", "three"])
            await reopened.close()
        }
    }

    @Test func threeNodesAppendingTogetherKeepPositionsDenseAndRetriesIdempotent() async throws {
        try await TestPostgres.withDatabase { url in
            let nodes = [
                try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration()),
                try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration()),
                try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration()),
            ]
            let writers = 6, appends = 15
            // Every append is sent twice, the copy to the next node: the copy must answer the original positions.
            let pairs = try await withThrowingTaskGroup(of: [(AppendResult, AppendResult)].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var pairs: [(AppendResult, AppendResult)] = []
                        for i in 0..<appends {
                            let records = [PostgresFixtures.record("w\(writer)-\(i)"), PostgresFixtures.record("x")]
                            let stream = "stream-\(writer % 3)"
                            let original = try await nodes[writer % 3].append(records, to: stream)
                            let retried = try await nodes[(writer + 1) % 3].append(records, to: stream)
                            pairs.append((original, retried))
                        }
                        return pairs
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let total = UInt64(writers * appends * 2)
            #expect(pairs.allSatisfy { $0.1.deduplicated && $0.1.positions == $0.0.positions })
            #expect(pairs.flatMap(\.0.positions).map(\.rawValue).sorted() == Array(1...total))
            for node in nodes {
                let records = try await node.read(from: LogPosition(1), limit: Int(total) + 10)
                #expect(records.map(\.position.rawValue) == Array(1...total))
                for stream in 0..<3 {
                    let versions = PostgresFixtures.versions(of: "stream-\(stream)", in: records)
                    #expect(versions == Array(1...UInt64(versions.count)))
                }
            }
            #expect(try PostgresFixtures.chainBreaks(url) == "0")
            for node in nodes { await node.close() }
        }
    }
}
