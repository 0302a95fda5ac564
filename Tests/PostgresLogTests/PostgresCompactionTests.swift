import EventLog
import Foundation
import PostgresLog
import TestSupport
import Testing

/// Compaction on the PostgreSQL store (decision 0060) against a real server: frames rewritten in place with the
/// file store's rewriting, the chain kept whole, dictionaries retired on every node, and the old bytes gone.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresCompactionTests {
    /// Replaces every record of stream "doomed" with an empty body of type `test.erased` (once).
    static let erase: @Sendable (LogRecord) -> LogRecord? = { record in
        guard record.stream == "doomed", record.type != "test.erased" else { return nil }
        var replaced = record
        replaced.type = "test.erased"
        replaced.body = Array("{}".utf8)
        replaced.metadata = [:]
        return replaced
    }

    /// Each frame chains to the one before, and the head to the last one.
    static func chainIsWhole(_ url: String) throws -> Bool {
        let broken = try TestPostgres.psql(
            url,
            """
            SELECT count(*) FROM (SELECT previous_checksum, lag(checksum) OVER (ORDER BY first_position) AS before
                FROM sessiond.frame) f WHERE before IS NOT NULL AND before <> previous_checksum
            """)
        let head = try TestPostgres.psql(
            url,
            """
            SELECT (SELECT checksum FROM sessiond.frame ORDER BY first_position DESC LIMIT 1) = last_checksum
            FROM sessiond.log_head
            """)
        return broken == "0" && head == "t"
    }

    @Test func compactionRewritesFramesAndRetiresDictionariesOnEveryNode() async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await PostgresLogStore.open(
                url: url, configuration: PostgresFixtures.configuration(training: .afterSampleBytes(16 << 10)))
            let second = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            var i = 0
            // Until a frame names a dictionary trained (in part) on the doomed stream's records.
            while try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.frame WHERE dictionary_id <> 0") == "0" {
                let text = "secret \(i) of the doomed session, and the agent's tool call \(i % 13) with context"
                _ = try await first.append([PostgresFixtures.record(text)], to: i % 3 == 0 ? "doomed" : "kept")
                i += 1
                try #require(i < 5000, "no frame used a dictionary")
            }
            // The second node adopts the dictionary the head names.
            _ = try await second.append([PostgresFixtures.record("kept by the second node")], to: "kept")
            #expect(try TestPostgres.psql(url, "SELECT dictionary_id FROM sessiond.frame ORDER BY first_position DESC LIMIT 1") != "0")
            let before = try await second.read(from: LogPosition(1), limit: 10_000)
            let doomed = before.filter { $0.stream == "doomed" }.count

            let report = try await first.compact(rewriting: Self.erase)
            #expect(report.recordsRewritten == doomed)
            #expect(report.streamsRewritten == ["doomed"])
            #expect(report.dictionariesRetired == [1])
            #expect(report.framesRewritten > 0 && report.framesScanned >= report.framesRewritten)
            #expect(report.tableRewriteDuration != nil)
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.dictionary") == "0")
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.frame WHERE dictionary_id <> 0") == "0")
            #expect(try Self.chainIsWhole(url))

            // Appends go on, on both nodes, without the retired dictionary and chained to the rewritten frames.
            _ = try await second.append([PostgresFixtures.record("after, second node")], to: "kept")
            _ = try await first.append([PostgresFixtures.record("after, first node")], to: "kept")
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.frame WHERE dictionary_id <> 0") == "0")
            #expect(try Self.chainIsWhole(url))

            // A node that never saw the old frames or dictionary reads everything: same positions, the doomed
            // stream erased, the rest byte for byte.
            let fresh = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let after = try await fresh.read(from: LogPosition(1), limit: 10_000)
            #expect(after.count == before.count + 2)
            for (old, new) in zip(before, after) {
                #expect(new == (Self.erase(old) ?? old))
            }
            #expect(try await fresh.readStream("doomed", fromVersion: 1).allSatisfy { $0.type == "test.erased" })

            // Nothing is left to do: no write, no table rewrite.
            let again = try await fresh.compact(rewriting: Self.erase)
            #expect(again.recordsRewritten == 0 && again.framesRewritten == 0 && again.tableRewriteDuration == nil)
            await fresh.close()
            await second.close()
            await first.close()
        }
    }

    @Test func aVacuumACommittedCompactionNeverRanIsRunByTheNextOne() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("secret")], to: "doomed")
            _ = try await log.append([PostgresFixtures.record("kept")], to: "kept")
            let pending = "SELECT count(*) FROM sessiond.shared_document WHERE name = 'frame-vacuum-pending'"
            let fileNode = "SELECT pg_relation_filenode('sessiond.frame')"
            #expect(try await log.compact(rewriting: Self.erase).recordsRewritten == 1)
            #expect(try TestPostgres.psql(url, pending) == "0")

            // A compaction that committed its rewrite and was killed before its VACUUM FULL leaves the mark.
            _ = try TestPostgres.psql(
                url, "INSERT INTO sessiond.shared_document (name, bytes) VALUES ('frame-vacuum-pending', '')")
            let before = try TestPostgres.psql(url, fileNode)
            let report = try await log.compact(rewriting: Self.erase)
            #expect(report.recordsRewritten == 0)
            #expect(try TestPostgres.psql(url, fileNode) != before, "the frame table was not rewritten")
            #expect(try TestPostgres.psql(url, pending) == "0")
            // Without a mark, a compaction with nothing to rewrite rewrites no table.
            let after = try TestPostgres.psql(url, fileNode)
            _ = try await log.compact(rewriting: Self.erase)
            #expect(try TestPostgres.psql(url, fileNode) == after)
            await log.close()
        }
    }

    /// Samples taken before a compaction erased their records never train a dictionary (a zstd dictionary keeps
    /// sample bytes verbatim): the trainer drops them and samples again.
    @Test func samplesOfRecordsACompactionErasedTrainNoDictionary() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(
                url: url, configuration: PostgresFixtures.configuration(training: .afterSampleBytes(16 << 10)))
            let marker = "ERASED-SECRET-7731"
            for i in 0..<40 {
                _ = try await log.append(
                    [PostgresFixtures.record("\(marker) \(marker) \(marker) note \(i)")], to: "doomed")
            }
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.dictionary") == "0")
            #expect(try await log.compact(rewriting: Self.erase).recordsRewritten == 40)
            var i = 0
            while try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.dictionary") == "0" {
                let text = "kept \(i): the agent's tool call \(i % 13) with its context and a longer tail of words"
                _ = try await log.append([PostgresFixtures.record(text)], to: "kept")
                i += 1
                try #require(i < 5000, "no dictionary was trained")
            }
            #expect(try TestPostgres.psql(
                url, "SELECT count(*) FROM sessiond.dictionary WHERE position(convert_to('\(marker)', 'UTF8') IN bytes) > 0")
                == "0")
            await log.close()
        }
    }

    @Test func aRewriteThatMovesARecordChangesNothing() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("a"), PostgresFixtures.record("b")], to: "doomed")
            let before = try TestPostgres.psql(url, "SELECT string_agg(md5(bytes), ',') FROM sessiond.frame")
            await #expect(throws: EventLogError.self) {
                _ = try await log.compact { record in
                    var moved = record
                    moved.streamVersion += 1
                    return moved
                }
            }
            #expect(try TestPostgres.psql(url, "SELECT string_agg(md5(bytes), ',') FROM sessiond.frame") == before)
            await log.close()
        }
    }

    /// Schema version 6 (decision 0177): a frame is rewritten only by a transaction that declares a compactor of
    /// that schema or later, as this build's compaction does. An older build's compaction — whose erasure would take
    /// a session created again after its tombstone too — fails at its first frame rewrite and changes nothing.
    @Test func onlyACompactorOfTheCurrentSchemaRewritesFrames() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append([PostgresFixtures.record("secret")], to: "doomed")
            let frames = "SELECT string_agg(md5(bytes), ',') FROM sessiond.frame"
            let before = try TestPostgres.psql(url, frames)
            // What an older build's compaction sends: an UPDATE of frames, without the setting.
            #expect(throws: TestPostgres.Failure.self) {
                try TestPostgres.psql(url, "UPDATE sessiond.frame SET bytes = bytes WHERE first_position = 1")
            }
            #expect(try TestPostgres.psql(url, frames) == before)
            #expect(try await log.compact(rewriting: Self.erase).recordsRewritten == 1)
            #expect(try TestPostgres.psql(url, frames) != before)
            // The setting is the compaction's transaction's alone.
            #expect(throws: TestPostgres.Failure.self) {
                try TestPostgres.psql(url, "UPDATE sessiond.frame SET bytes = bytes WHERE first_position = 1")
            }
            await log.close()
        }
    }

    /// Erasure bounded by a tombstone (decision 0177): the records of a stream before a version are rewritten and
    /// the later ones — a session created again under the same id — stay byte for byte, in the same frame too
    /// (the first frame holds versions 1 to 4, of which 1 and 2 go).
    @Test func aRewriteBoundedByAVersionKeepsTheStreamsLaterRecords() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            _ = try await log.append((0..<4).map { PostgresFixtures.record("doomed \($0)") }, to: "doomed")
            _ = try await log.append([PostgresFixtures.record("kept")], to: "kept")
            _ = try await log.append([PostgresFixtures.record("doomed again")], to: "doomed")
            let before = try await log.read(from: LogPosition(1), limit: 100)
            let bounded: @Sendable (LogRecord) -> LogRecord? = { record in
                record.streamVersion < 3 ? Self.erase(record) : nil
            }
            let report = try await log.compact(rewriting: bounded)
            #expect(report.recordsRewritten == 2 && report.streamsRewritten == ["doomed"])
            let after = try await log.read(from: LogPosition(1), limit: 100)
            #expect(after.count == before.count)
            for (old, new) in zip(before, after) {
                #expect(new == (bounded(old) ?? old))
            }
            #expect(try await log.readStream("doomed", fromVersion: 1).map(\.type)
                == ["test.erased", "test.erased", "test.event", "test.event", "test.event"])
            #expect(try Self.chainIsWhole(url))
            await log.close()
        }
    }
}
