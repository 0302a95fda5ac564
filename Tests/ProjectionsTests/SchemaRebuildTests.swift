import EventLog
import Foundation
import GRDB
import Logging
@testable import Projections
import Sessions
import Testing
import TestSupport

@Suite struct SchemaRebuildTests {
    static func open(_ path: String, _ log: EventLog, _ handler: RecordingLogHandler) async throws -> ProjectionStore {
        var configuration = ProjectionStore.Configuration()
        configuration.logger = Logger(label: "test", factory: { _ in handler })
        return try await ProjectionStore.open(path: path, log: log, configuration: configuration)
    }

    @Test func aDeletedDatabaseIsRebuiltAtStartWithALogLine() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            try await ReplayCrashTests.appendWorkload(to: log)
            let first = try await Self.open(path, log, RecordingLogHandler())
            let file = first.currentFile
            #expect(file != path && FileManager.default.fileExists(atPath: file))
            ProjectionFileRemoval.remove(file)

            let handler = RecordingLogHandler()
            let store = try await Self.open(path, log, handler)
            #expect(handler.messages.contains("projection database not found; rebuilding from the log"))
            try await ReplayCrashTests.expectMatchesFold(store, log)
            await log.close()
        }
    }

    /// A rebuild killed mid-way leaves its generation file (with the text it had replayed); the next start removes
    /// it — unless a build (of any process) holds the build lock, when its file may be the one being written.
    @Test func filesAnInterruptedRebuildLeftAreRemovedAtStartUnlessABuildIsRunning() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            try await ReplayCrashTests.appendWorkload(to: log)
            let live = try await Self.open(path, log, RecordingLogHandler()).currentFile
            let abandoned = [path + ".1795000000000", path + ".1795000000000-wal", path + ".1795000000001-2-shm"]
            let unrelated = [path + ".builds", path + ".notes", path + ".17950x", dir + "/other.sqlite.1795000000000"]
            for file in abandoned + unrelated where !FileManager.default.fileExists(atPath: file) {
                #expect(FileManager.default.createFile(atPath: file, contents: Data("left".utf8)))
            }

            // A build holding the lock (as another process would): nothing is removed.
            let lock = Glibc.open(path + ".builds", O_RDWR)
            #expect(lock >= 0 && flock(lock, LOCK_SH) == 0)
            _ = try await Self.open(path, log, RecordingLogHandler())
            #expect(abandoned.allSatisfy { FileManager.default.fileExists(atPath: $0) })
            close(lock)

            let handler = RecordingLogHandler()
            let store = try await Self.open(path, log, handler)
            #expect(handler.messages.contains("removed projection files an interrupted rebuild left"))
            #expect(abandoned.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
            #expect(unrelated.allSatisfy { FileManager.default.fileExists(atPath: $0) })
            #expect(store.currentFile == live && FileManager.default.fileExists(atPath: live))
            try await ReplayCrashTests.expectMatchesFold(store, log)
            await log.close()
        }
    }

    @Test(arguments: [Array("garbage, not a database".utf8), Array(repeating: UInt8(0xA5), count: 8192)])
    func aGarbageDatabaseIsRebuiltAtStartWithALogLine(garbage: [UInt8]) async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            try await ReplayCrashTests.appendWorkload(to: log)
            let file = try await Self.open(path, log, RecordingLogHandler()).currentFile
            try Data(garbage).write(to: URL(fileURLWithPath: file))

            let handler = RecordingLogHandler()
            let store = try await Self.open(path, log, handler)
            #expect(handler.messages.contains("projection database is not a readable SQLite database; rebuilding from the log"))
            #expect(store.currentFile != file)
            try await ReplayCrashTests.expectMatchesFold(store, log)
            await log.close()
        }
    }

    @Test func anOlderSchemaIsRebuiltAtStartWithALogLine() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            try await ReplayCrashTests.appendWorkload(to: log)
            let file = try await Self.open(path, log, RecordingLogHandler()).currentFile
            let queue = try SQLiteConnections.queue(file)
            try await queue.write { db in
                try db.execute(sql: "PRAGMA user_version = 0")
                try db.execute(sql: "DELETE FROM session")
            }
            try queue.close()

            let handler = RecordingLogHandler()
            let store = try await Self.open(path, log, handler)
            #expect(handler.messages.contains("projection database has an older schema version; rebuilding from the log"))
            #expect(store.currentFile != file)
            #expect(!FileManager.default.fileExists(atPath: file))
            try await ReplayCrashTests.expectMatchesFold(store, log)
            await log.close()
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/projection.sqlite"
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let file = try await Self.open(path, log, RecordingLogHandler()).currentFile
            let queue = try SQLiteConnections.queue(file)
            try await queue.write { db in try db.execute(sql: "PRAGMA user_version = 99") }
            try queue.close()
            await #expect(throws: ProjectionError.self) { _ = try await Self.open(path, log, RecordingLogHandler()) }
            // What `sessiond verify` asks before opening the file as it is, to say so rather than "rebuilt on start".
            let versions = try #require(ProjectionStore.schemaVersions(at: path))
            #expect(versions.found == 99 && versions.supported == ProjectionSchema.version)
            #expect(ProjectionStore.schemaVersions(at: dir + "/missing.sqlite").map { $0.found } == nil)
            await log.close()
        }
    }

    @Test func theAsOfTranscriptIsAnIndexRangeScan() async throws {
        try await ProjectionHarness.with { harness in
            let plan = try await harness.store.transcriptQueryPlan()
            // The session id's key is looked up once; the transcript is a range of its session index.
            #expect(
                plan == [
                    "SEARCH transcriptMessage USING INDEX transcriptMessageBySession (sessionKey=? AND addedPosition<?)",
                    "SCALAR SUBQUERY 1",
                    "SEARCH stream USING COVERING INDEX sqlite_autoindex_stream_1 (id=?)",
                ])
        }
    }

    @Test func aPageOfMessageHistoryReadsTheEndOfTheUserMessageIndex() async throws {
        try await ProjectionHarness.with { harness in
            for namespace in [nil, "team-a"] {
                let plan = try await harness.store.userMessagesQueryPlan(namespace: namespace)
                // No sort of every user message: the page walks the index backwards and stops at its limit.
                #expect(plan.first == "SCAN m USING INDEX transcriptUserMessageByTime")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            }
        }
    }

    @Test func aRebuildSwapsInWhileTheOldDatabaseKeepsServing() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await ScriptedSessionTests.runScript(harness)
            let before = harness.store.currentFile
            let expected = try await harness.store.export(ScriptedSessionTests.sessionID)
            // Writes keep landing while the rebuild runs.
            async let writes: Void = {
                for n in 0..<20 {
                    _ = try await harness.writer.execute(
                        .rename(RenameSession(sessionID: ScriptedSessionTests.sessionID, title: "Title \(n)")))
                }
            }()
            let report = try await harness.store.rebuild(from: harness.log)
            try await writes
            #expect(harness.store.currentFile == report.file && report.file != before)
            #expect(!FileManager.default.fileExists(atPath: before))
            _ = expected
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            try await ReplayCrashTests.expectMatchesFold(harness.store, harness.log)
            let check = try await Rebuild(log: harness.log, path: harness.databasePath).build()
            #expect(try await harness.store.differences(from: check.file).isEmpty)
        }
    }
}

/// Deletes a database file and its companions, as an operator might.
enum ProjectionFileRemoval {
    static func remove(_ file: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
    }
}
