import Foundation
import Testing
import TestSupport
import Workload

@testable import EventLog

@Suite struct CompactionTests {
    static let marker = "ZQX-SECRET-MARKER-7731"

    /// Replaces every record of `streams` but its `keep` type with an empty `erased` record.
    static func erasing(_ streams: Set<String>, keep: String = "test.tombstone") -> @Sendable (LogRecord) -> LogRecord? {
        { record in
            guard streams.contains(record.stream), record.type != keep, record.type != "erased" else { return nil }
            var erased = record
            erased.type = "erased"
            erased.metadata = [:]
            erased.body = Array("{}".utf8)
            return erased
        }
    }

    /// Whether any file under `directory` holds `text`.
    static func anyFile(in directory: String, contains text: String) -> Bool {
        let needle = Data(text.utf8)
        let files = FileManager.default.enumerator(atPath: directory)!.compactMap { $0 as? String }
        return files.contains { name in
            (FileManager.default.contents(atPath: directory + "/" + name)?.range(of: needle)) != nil
        }
    }

    static let trainingConfiguration = LogFixtures.configuration(
        segmentSize: 256 << 10, training: .afterSampleBytes(150_000))

    /// A log whose dictionary was trained on samples of the stream "secret" (written first, full of ``marker``),
    /// then of an agent corpus.
    static func logWithASecretInItsDictionary(in dir: String) async throws -> EventLog {
        let log = try EventLog(directory: dir, configuration: trainingConfiguration)
        for i in 0..<200 {
            _ = try await log.append([LogFixtures.record("\(marker) \(marker) note \(i)")], to: "secret")
        }
        var corpus = AgentCorpus(seed: 11)
        for (session, event) in corpus.events(totalBytes: 500_000) {
            _ = try await log.append([ProposedRecord(type: event.type, body: event.body)], to: session)
            if log.dictionaries.active == nil, log.writer.withLock({ $0?.samples.isEmpty ?? true }) {
                await log.maintenanceFinished()
            }
        }
        return log
    }

    @Test func erasesOneStreamAndKeepsEverythingElseByteForByte() async throws {
        try await withTemporaryDirectory { dir in
            let configuration = LogFixtures.configuration(segmentSize: 4096)
            let log = try EventLog(directory: dir, configuration: configuration)
            var secretIDs: [EventID] = []
            for i in 0..<300 {
                let stream = ["a", "secret", "c"][i % 3]
                let text = stream == "secret" ? "\(Self.marker) turn \(i)" : "ordinary turn \(i) of \(stream)"
                let record = LogFixtures.record(text)
                if stream == "secret" { secretIDs.append(record.eventID) }
                _ = try await log.append([record], to: stream)
            }
            _ = try await log.append([LogFixtures.record("gone", type: "test.tombstone")], to: "secret")
            let before = try await log.read(from: LogPosition(1), limit: 1000)
            #expect(LogFixtures.segmentFiles(in: dir).count > 3)
            #expect(Self.anyFile(in: dir, contains: Self.marker))

            let report = try await log.compact(rewriting: Self.erasing(["secret"]))
            #expect(report.recordsRewritten == 100)
            #expect(report.streamsRewritten == ["secret"])
            #expect(!Self.anyFile(in: dir, contains: Self.marker))

            let after = try await log.read(from: LogPosition(1), limit: 1000)
            #expect(after.count == before.count)
            for (old, new) in zip(before, after) {
                #expect(new.position == old.position && new.eventID == old.eventID && new.streamVersion == old.streamVersion)
                if old.stream == "secret", old.type != "test.tombstone" {
                    #expect(new.type == "erased" && new.body == Array("{}".utf8))
                } else {
                    #expect(new == old)
                }
            }
            // A second compaction finds nothing to do; the log keeps taking appends and retries.
            #expect(try await log.compact(rewriting: Self.erasing(["secret"])).recordsRewritten == 0)
            let retry = try await log.append([LogFixtures.record("x", id: secretIDs[0])], to: "secret")
            #expect(retry.deduplicated && retry.positions == [before.first { $0.eventID == secretIDs[0] }!.position])
            let next = try await log.append([LogFixtures.record("after compaction")], to: "a")
            #expect(next.positions == [LogPosition(302)])
            await log.close()

            // The rewritten segments verify on open (checksums and chain) and read back the same.
            let reopened = try EventLog(directory: dir, configuration: configuration)
            #expect(reopened.recoveryReport.truncatedBytes == 0)
            let again = try await reopened.read(from: LogPosition(1), limit: 1000)
            #expect(Array(again.prefix(after.count)) == after)
            #expect(try await reopened.streamVersion("secret") == 101)
            await reopened.close()
        }
    }

    @Test func aDictionaryTrainedOnAnErasedStreamIsRetiredAndReplaced() async throws {
        try await withTemporaryDirectory { dir in
            let configuration = Self.trainingConfiguration
            let log = try await Self.logWithASecretInItsDictionary(in: dir)
            #expect(log.dictionaries.ids == [1])
            #expect(log.dictionaries.mayHoldBytes(of: ["secret"], id: 1))
            let before = try await log.read(from: LogPosition(1), limit: 100_000)

            let report = try await log.compact(rewriting: Self.erasing(["secret"]))
            #expect(report.dictionariesRetired == [1])
            #expect(report.dictionaryInstalled == 2)
            #expect(!FileManager.default.fileExists(atPath: dir + "/" + SegmentName.dictionary(id: 1)))
            #expect(!Self.anyFile(in: dir, contains: Self.marker))
            #expect(!log.dictionaries.mayHoldBytes(of: ["secret"], id: 2))
            _ = try await log.append([LogFixtures.record("after")], to: "a")
            await log.close()

            let reopened = try EventLog(directory: dir, configuration: configuration)
            let after = try await reopened.read(from: LogPosition(1), limit: 100_000)
            #expect(after.count == before.count + 1)
            for (old, new) in zip(before, after) where old.stream != "secret" { #expect(new == old) }
            let headers = try LogFixtures.segmentFiles(in: dir).flatMap(DictionaryTests.frameHeaders)
            #expect(!headers.contains { $0.dictionaryID == 1 })
            #expect(headers.contains { $0.dictionaryID == 2 })
            await reopened.close()
        }
    }

    @Test func aCompactionThatDiedBeforeRetiringTheDictionaryRetiresItWhenTheStreamIsPurged() async throws {
        try await withTemporaryDirectory { dir in
            let log = try await Self.logWithASecretInItsDictionary(in: dir)
            #expect(log.dictionaries.ids == [1])
            // What a compaction killed between its two steps leaves: the secret records rewritten, the dictionary
            // trained on them still there.
            try await log.sealActiveSegment()
            let rewritten = try log.compactSealedSegments(
                Self.erasing(["secret"]), retiring: [], replacement: nil, dryRun: false)
            #expect(rewritten.recordsRewritten == 200)
            #expect(FileManager.default.fileExists(atPath: dir + "/" + SegmentName.dictionary(id: 1)))

            // Without the stream named, the next run finds nothing to do and the dictionary stays.
            let unnamed = try await log.compact(rewriting: Self.erasing(["secret"]))
            #expect(unnamed.recordsRewritten == 0 && unnamed.dictionariesRetired.isEmpty)
            // Named, it is retired.
            let report = try await log.compact(purging: ["secret"], rewriting: Self.erasing(["secret"]))
            #expect(report.recordsRewritten == 0)
            #expect(report.dictionariesRetired == [1])
            #expect(!FileManager.default.fileExists(atPath: dir + "/" + SegmentName.dictionary(id: 1)))
            #expect(!Self.anyFile(in: dir, contains: Self.marker))
            await log.close()
        }
    }

    /// Samples taken of records a compaction then erased train no dictionary: a zstd dictionary keeps sample bytes
    /// verbatim, so it would keep the erased bytes.
    @Test func samplesOfErasedRecordsTrainNoDictionary() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: Self.trainingConfiguration)
            for i in 0..<100 {
                _ = try await log.append([LogFixtures.record("\(Self.marker) \(Self.marker) note \(i)")], to: "secret")
            }
            #expect(log.dictionaries.ids.isEmpty)
            #expect(try await log.compact(rewriting: Self.erasing(["secret"])).recordsRewritten == 100)
            var corpus = AgentCorpus(seed: 11)
            for (session, event) in corpus.events(totalBytes: 500_000) {
                _ = try await log.append([ProposedRecord(type: event.type, body: event.body)], to: session)
                if log.dictionaries.active == nil, log.writer.withLock({ $0?.samples.isEmpty ?? true }) {
                    await log.maintenanceFinished()
                }
            }
            #expect(log.dictionaries.ids == [1])
            #expect(!log.dictionaries.mayHoldBytes(of: ["secret"], id: 1))
            #expect(!Self.anyFile(in: dir, contains: Self.marker))
            await log.close()
        }
    }

    @Test func aLeftoverCompactionFileIsRemovedOnOpenAndTheSegmentIsWhole() async throws {
        try await withTemporaryDirectory { dir in
            let configuration = LogFixtures.configuration(segmentSize: 2048)
            let log = try EventLog(directory: dir, configuration: configuration)
            for i in 0..<60 { _ = try await log.append([LogFixtures.record("record \(i)")], to: "s\(i % 4)") }
            let before = try await log.read(from: LogPosition(1), limit: 100)
            await log.close()
            // A compaction killed before its rename: half a new segment beside the old one.
            let sealed = LogFixtures.segmentFiles(in: dir)[0]
            let partial = try Data(contentsOf: URL(fileURLWithPath: sealed)).prefix(100)
            try partial.write(to: URL(fileURLWithPath: sealed + SegmentName.compactionSuffix))

            let reopened = try EventLog(directory: dir, configuration: configuration)
            #expect(!FileManager.default.fileExists(atPath: sealed + SegmentName.compactionSuffix))
            #expect(try await reopened.read(from: LogPosition(1), limit: 100) == before)
            await reopened.close()
        }
    }

    @Test func aRewriteMayNotMoveARecord() async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir, configuration: LogFixtures.configuration(segmentSize: 1024))
            for i in 0..<30 { _ = try await log.append([LogFixtures.record("record \(i)")], to: "s") }
            let before = try await log.read(from: LogPosition(1), limit: 100)
            await #expect(throws: EventLogError.self) {
                try await log.compact { record in
                    var moved = record
                    moved.streamVersion += 1
                    return moved
                }
            }
            #expect(try await log.read(from: LogPosition(1), limit: 100) == before)
            await log.close()
        }
    }

    @Test func appendsAndReadsGoOnDuringCompaction() async throws {
        try await withTemporaryDirectory { dir in
            let configuration = LogFixtures.configuration(segmentSize: 8192)
            let log = try EventLog(directory: dir, configuration: configuration)
            for i in 0..<400 { _ = try await log.append([LogFixtures.record("old \(i)")], to: i % 2 == 0 ? "keep" : "erase") }
            let acknowledged = try await withThrowingTaskGroup(of: [LogPosition].self) { group in
                for appender in 0..<8 {
                    group.addTask {
                        var positions: [LogPosition] = []
                        for i in 0..<50 {
                            positions += try await log.append([LogFixtures.record("new \(appender)-\(i)")], to: "w\(appender)")
                                .positions
                            _ = try await log.read(from: LogPosition(UInt64(i * 7 + 1)), limit: 20)
                        }
                        return positions
                    }
                }
                group.addTask {
                    _ = try await log.compact(rewriting: Self.erasing(["erase"]))
                    return []
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(acknowledged.count == 400)
            let all = try await log.read(from: LogPosition(1), limit: 10_000)
            #expect(all.map(\.position.rawValue) == Array(1...800))
            #expect(!all.contains { $0.stream == "erase" && $0.type != "erased" })
            await log.close()
            let reopened = try EventLog(directory: dir, configuration: configuration)
            #expect(try await reopened.read(from: LogPosition(1), limit: 10_000) == all)
            await reopened.close()
        }
    }
}
