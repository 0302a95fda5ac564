import Blobs
import EventLog
import Foundation
import LogStores
import PostgresLog
import TestSupport
import Testing

/// `sessiond log copy`'s core (LogCopy) both ways between the file store and PostgreSQL, with a dictionary.
@Suite(
    .enabled(if: TestPostgres.isAvailable, "needs SESSIOND_TEST_POSTGRES_URL (tools/test starts a server)"),
    .serialized)
struct LogCopyTests {
    static func configuration(training: EventLog.DictionaryTraining = .disabled) -> EventLog.Configuration {
        var configuration = EventLog.Configuration(durability: .none)
        configuration.dictionaryTraining = training
        return configuration
    }

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "sessiond-copy-" + UUID().uuidString
    }

    @Test func aLogWithADictionaryMovesToPostgresAndBackUnchanged() async throws {
        let original = Self.temporaryDirectory(), back = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: original)
            try? FileManager.default.removeItem(atPath: back)
        }
        let source = try await LogLocation.directory(original).open(configuration: Self.configuration(training: .afterSampleBytes(16 << 10)))
        var i = 0
        // Until the file store has trained a dictionary and compresses frames with it; several records per append.
        while try await source.storedDictionaries().isEmpty || i < 3000 {
            _ = try await source.append(
                [PostgresFixtures.record("message \(i) of the agent, tool call \(i % 11)"), PostgresFixtures.record("reply \(i)")],
                to: "s\(i % 7)", expectedVersion: .any)
            i += 1
            try #require(i < 20_000, "no dictionary trained")
        }
        try await TestPostgres.withDatabase { url in
            let postgres = try await LogLocation.postgres(url: url).open(configuration: Self.configuration())
            let report = try await LogCopy.copy(from: source, to: postgres)
            #expect(report.records == UInt64(2 * i))
            #expect(report.dictionaries == [1])
            #expect(try await LogCopy.difference(between: source, and: postgres) == nil)
            #expect(try TestPostgres.psql(url, "SELECT count(*) FROM sessiond.frame WHERE dictionary_id = 1") != "0")
            // A non-empty target is refused and left as it was.
            await #expect(throws: EventLogError.self) { _ = try await LogCopy.copy(from: source, to: postgres) }
            #expect(try await postgres.durableEnd() == LogPosition(UInt64(2 * i)))

            let file = try await LogLocation.directory(back).open(configuration: Self.configuration())
            _ = try await LogCopy.copy(from: postgres, to: file)
            #expect(try await LogCopy.difference(between: postgres, and: file) == nil)
            #expect(try await LogCopy.difference(between: source, and: file) == nil)
            // A source still in use: records after the copy's end are not the copy's business, unless asked.
            _ = try await source.append([PostgresFixtures.record("after the copy")], to: "s0", expectedVersion: .any)
            #expect(try await LogCopy.difference(between: source, and: file, upTo: report.end) == nil)
            #expect(try await LogCopy.difference(between: source, and: file) != nil)
            // The copies are ordinary logs: stream reads, versions and idempotent retries work on them.
            let stream = try await file.readStream("s3", fromVersion: 1)
            #expect(stream == (try await source.readStream("s3", fromVersion: 1)))
            let retry = try await postgres.append(
                [ProposedRecord(eventID: stream[0].eventID, type: stream[0].type, body: stream[0].body)], to: "s3", expectedVersion: .any)
            #expect(retry.deduplicated && retry.positions == [stream[0].position])
            await file.close()
            await postgres.close()
        }
        await source.close()
    }

    @Test func recordsThatDoNotContinueTheLogAreRefused() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try await LogLocation.directory(directory).open(configuration: Self.configuration())
        let appended = try await log.append([PostgresFixtures.record("a")], to: "s", expectedVersion: .any)
        var record = appended.records[0]
        record.eventID = .random()
        // Position 1 again, then a gap, then a version that skips one.
        await #expect(throws: EventLogError.self) { try await log.appendMoved([record]) }
        record.position = LogPosition(3)
        await #expect(throws: EventLogError.self) { try await log.appendMoved([record]) }
        record.position = LogPosition(2)
        record.streamVersion = 3
        record.recordedAtMicros += 10
        await #expect(throws: EventLogError.self) { try await log.appendMoved([record]) }
        record.streamVersion = 2
        try await log.appendMoved([record])
        #expect(try await log.read(from: LogPosition(1), limit: 10).map(\.position) == [LogPosition(1), LogPosition(2)])
        await log.close()
    }

    @Test func sessionFilesBlobsMoveWithTheLogBothWays() async throws {
        let original = Self.temporaryDirectory(), back = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: original)
            try? FileManager.default.removeItem(atPath: back)
        }
        let source = try await LogLocation.directory(original).open(configuration: Self.configuration())
        let files = BlobStores.store(beside: source, dataDirectory: original)
        #expect(files is FileBlobStore && !BlobStores.isShared(source))
        let contents = [Array("quarterly numbers".utf8), (0..<100_000).map { UInt8($0 % 251) }]
        for bytes in contents { _ = try await files.write(bytes) }
        _ = try await source.append([PostgresFixtures.record("file.added")], to: "s", expectedVersion: .any)
        try await TestPostgres.withDatabase { url in
            let postgres = try await LogLocation.postgres(url: url).open(configuration: Self.configuration())
            let shared = BlobStores.store(beside: postgres, dataDirectory: back)
            let report = try await LogCopy.copy(from: source, to: postgres, blobs: (files, shared))
            #expect(report.records == 1 && report.blobs == 2)
            #expect(report.blobBytes == UInt64(contents.map(\.count).reduce(0, +)))
            for bytes in contents { #expect(try await shared.read(BlobDigest(of: bytes)) == bytes) }
            // Again: the target's log is not empty, so nothing is copied, blobs included.
            let late = try await files.write(Array("uploaded after the copy".utf8))
            await #expect(throws: EventLogError.self) { _ = try await LogCopy.copy(from: source, to: postgres, blobs: (files, shared)) }
            #expect(try await shared.read(late) == nil)
            #expect(try await LogCopy.copyBlobs(from: files, to: shared).blobs == 1)

            let file = try await LogLocation.directory(back).open(configuration: Self.configuration())
            let returned = BlobStores.store(beside: file, dataDirectory: back)
            #expect(try await LogCopy.copyBlobs(from: shared, to: returned).blobs == 3)
            #expect(try await returned.stored().map(\.digest) == (contents.map { BlobDigest(of: $0) } + [late]).sorted())
            await file.close()
            await postgres.close()
        }
        await source.close()
    }

    @Test func aNodeOnASharedLogMovesTheBlobsItsDataDirectoryHeld() async throws {
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        // Left by a sessiond before decision 0167, which kept every node's uploads in its own data directory.
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let leftovers = FileBlobStore(root: BlobStores.directory(in: data))
        let bytes = Array("uploaded before the blobs moved".utf8)
        let digest = try await leftovers.write(bytes)
        try await TestPostgres.withDatabase { url in
            let log = try await LogLocation.postgres(url: url).open(configuration: Self.configuration())
            let opened = try await BlobStores.open(beside: log, dataDirectory: data)
            #expect(opened.moved == 1)
            #expect(try await opened.store.read(digest) == bytes)
            #expect(try await leftovers.stored() == [])
            #expect(try await BlobStores.open(beside: log, dataDirectory: data).moved == 0)
            await log.close()
        }
        // A file log keeps its blobs where they are.
        let file = try await LogLocation.directory(data).open(configuration: Self.configuration())
        _ = try await leftovers.write(bytes)
        #expect(try await BlobStores.open(beside: file, dataDirectory: data).moved == 0)
        #expect(try await leftovers.read(digest) == bytes)
        await file.close()
    }
}
