import Blobs
import EventLog
import Foundation
import LogStores
import PostgresLog
import TestSupport
import Testing

/// Session files' bytes beside a shared log: every node on the database sees every blob, and removing one leaves
/// no copy in the table's files.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct PostgresBlobStoreTests {
    @Test func aBlobWrittenThroughOneNodeIsReadThroughAnother() async throws {
        try await TestPostgres.withDatabase { url in
            let nodeA = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let nodeB = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let (a, b) = (BlobStores.store(beside: nodeA, dataDirectory: "/nonexistent"), nodeB.blobs)
            #expect(a is PostgresBlobStore && BlobStores.isShared(nodeA))
            let bytes = Array("quarterly numbers".utf8)
            let digest = try await a.write(bytes)
            #expect(digest == BlobDigest(of: bytes))
            #expect(try await b.read(digest) == bytes)
            #expect(try await b.read(BlobDigest(of: [1])) == nil)
            #expect(try await b.stored().map(\.digest) == [digest])
            #expect(try await b.stored().map(\.byteCount) == [UInt64(bytes.count)])

            // The same bytes again: one row, its time refreshed (what a collection's grace period reads).
            try TestPostgres.psql(url, "UPDATE sessiond.blob SET modified_at = '2001-01-01 00:00:00+00'")
            #expect(try await a.stored().map(\.modified) == [Date(timeIntervalSince1970: 978_307_200)])
            #expect(try await b.write(bytes) == digest)
            let stored = try await a.stored()
            #expect(stored.count == 1 && stored[0].modified.timeIntervalSinceNow > -60)
            // Written again after a collection listed it as of 2001: that collection removes nothing.
            #expect(try await a.remove([digest], writtenNoLaterThan: Date(timeIntervalSince1970: 978_307_200)) == [])
            #expect(try await b.read(digest) == bytes)
            await nodeA.close()
            await nodeB.close()
        }
    }

    @Test func aDamagedBlobIsNeverServedAndWritingItsBytesAgainRepairsIt() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let bytes = Array("bytes that rot in a table".utf8)
            let digest = try await log.blobs.write(bytes)
            try TestPostgres.psql(url, "UPDATE sessiond.blob SET bytes = convert_to('bytes that rot in a tablE', 'UTF8')")
            await #expect(throws: DamagedBlob(digest: digest)) { _ = try await log.blobs.read(digest) }
            #expect(try await log.blobs.write(bytes) == digest)
            #expect(try await log.blobs.read(digest) == bytes)
            // Whole bytes written again stay as they are.
            #expect(try await log.blobs.write(bytes) == digest)
            #expect(try await log.blobs.read(digest) == bytes)
            await log.close()
        }
    }

    @Test func removingBlobsLeavesNoCopyInTheTablesFiles() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let marker = "BLOB-MARKER-\(UUID().uuidString)"
            // Inline in the table's pages, and (random bytes pglz cannot shrink) out of line in its TOAST table.
            let small = Array("file body \(marker)".utf8)
            var generator = SystemRandomNumberGenerator()
            let large = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) } + Array(marker.utf8)
            let kept = Array("kept file".utf8)
            let digests = [try await log.blobs.write(small), try await log.blobs.write(large)]
            let keptDigest = try await log.blobs.write(kept)
            #expect(try Self.relationsHolding(marker, url) == ["heap", "toast"])

            let removed = try await log.blobs.remove(digests + [BlobDigest(of: [0])], writtenNoLaterThan: Date())
            #expect(Set(removed.map(\.digest)) == Set(digests))
            #expect(Set(removed.map(\.byteCount)) == [UInt64(small.count), UInt64(large.count)])
            #expect(try Self.relationsHolding(marker, url) == [])
            #expect(try await log.blobs.stored().map(\.digest) == [keptDigest])
            #expect(try await log.blobs.read(keptDigest) == kept)
            await log.close()
        }
    }

    @Test func aRemovalWhoseVacuumNeverRanIsFinishedByTheNext() async throws {
        try await TestPostgres.withDatabase { url in
            let log = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
            let marker = "BLOB-MARKER-\(UUID().uuidString)"
            let digest = try await log.blobs.write(Array("file body \(marker)".utf8))
            // What a removal leaves when it is killed between its DELETE and its VACUUM FULL.
            try TestPostgres.psql(
                url,
                """
                DELETE FROM sessiond.blob WHERE digest = '\(digest.hex)';
                INSERT INTO sessiond.shared_document (name, bytes) VALUES ('blob-vacuum-pending', ''::bytea)
                """)
            #expect(try Self.relationsHolding(marker, url) == ["heap"])
            #expect(try await log.blobs.remove([], writtenNoLaterThan: Date()) == [])
            #expect(try Self.relationsHolding(marker, url) == [])
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.shared_document") == "0")
            await log.close()
        }
    }

    /// Which of the blob table's files (after a CHECKPOINT) hold `marker`: "heap", "toast".
    static func relationsHolding(_ marker: String, _ url: String) throws -> [String] {
        try TestPostgres.psql(url, "CHECKPOINT")
        var found: [String] = []
        let relations = [
            "heap": "'sessiond.blob'::regclass",
            "toast": "(SELECT reltoastrelid FROM pg_class WHERE oid = 'sessiond.blob'::regclass)",
        ]
        for name in ["heap", "toast"] {
            let holds = try TestPostgres.psql(
                url,
                """
                SELECT position(convert_to('\(marker)', 'UTF8') IN pg_read_binary_file(pg_relation_filepath(\(relations[name]!)))) > 0
                """)
            if holds == "t" { found.append(name) }
        }
        return found
    }
}
