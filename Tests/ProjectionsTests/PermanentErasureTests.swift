import Blobs
import EventLog
import Foundation
import Projections
import Sessions
import Testing

@Suite struct PermanentErasureTests {
    static let marker = "ERASE-MARKER-5521"

    /// Whether any file under `directory` holds `text`.
    static func filesContaining(_ text: String, under directory: String) -> [String] {
        let needle = Data(text.utf8)
        let names = FileManager.default.enumerator(atPath: directory)!.compactMap { $0 as? String }
        return names.filter { FileManager.default.contents(atPath: directory + "/" + $0)?.range(of: needle) != nil }
    }

    /// A session with the given title, a user message, an assistant tool call, its result and files.
    static func write(_ id: SessionID, text: String, files: [[UInt8]], harness: ProjectionHarness, blobs: any BlobStore)
        async throws
    {
        let writer = harness.writer
        let call = ToolCallID(rawValue: "call-\(id.rawValue)")!
        _ = try await writer.execute(
            .create(CreateSession(sessionID: id, namespace: "default", title: "title \(text)", browserMode: "local-browser-service")))
        _ = try await writer.execute(.sendUserMessage(SendUserMessage(sessionID: id, text: "user \(text)")))
        _ = try await writer.execute(
            .appendMessage(
                AppendMessage(
                    sessionID: id, role: .assistant, text: "assistant \(text)",
                    toolCalls: [ToolCall(id: call, name: "Read", input: "{\"path\":\"\(text)\"}")])))
        _ = try await writer.execute(
            .recordToolResult(RecordToolResult(sessionID: id, toolCallID: call, result: "result \(text)")))
        for (index, bytes) in files.enumerated() {
            let digest = try await blobs.write(bytes)
            _ = try await writer.execute(
                .addFile(AddFile(sessionID: id, name: "file-\(index)-\(text).txt", byteCount: bytes.count, sha256: digest.hex)))
        }
    }

    static func differencesFromRebuild(_ harness: ProjectionHarness) async throws -> [ProjectionDifference] {
        let rebuilt = try await Rebuild(log: harness.log, path: harness.databasePath).build(upTo: try await harness.store.checkpoint())
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: rebuilt.file + suffix) } }
        return try await harness.store.differences(from: rebuilt.file)
    }

    @Test func erasesADeletedSessionFromLogDatabaseAndBlobsAndKeepsTheRest() async throws {
        try await ProjectionHarness.with { harness in
            let blobs = FileBlobStore(root: harness.directory + "/blobs")
            let shared = Array("bytes both sessions uploaded".utf8)
            let secret = Array("only the secret session's \(Self.marker)".utf8)
            try await Self.write("kept", text: "ordinary", files: [shared], harness: harness, blobs: blobs)
            try await Self.write("secret", text: Self.marker, files: [shared, secret], harness: harness, blobs: blobs)
            try await Self.write("other", text: "more ordinary", files: [], harness: harness, blobs: blobs)
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: "secret")))
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            let before = try await readAll(harness.log)
            let keptBefore = try await harness.store.export("kept")
            var configuration = PermanentErasure.Configuration()
            configuration.blobGracePeriod = 0
            let erasure = PermanentErasure(log: harness.log, store: harness.store, blobs: blobs, configuration: configuration)

            let secretRecords = before.filter { $0.stream == "secret" && $0.type != "session.deleted" }.count
            #expect(secretRecords >= 6)  // created, message, run started, assistant, tool result, file
            let plan = try await erasure.plan()
            #expect(plan.records == ["secret": secretRecords])
            #expect(plan.blobs.map(\.digest) == [BlobDigest(of: secret)])
            #expect(try await readAll(harness.log) == before)

            let report = try await erasure.run()
            #expect(report.sessions == ["secret"] && report.log?.recordsRewritten == plan.records["secret"])
            #expect(report.blobsRemoved == 1 && report.projection?.walTruncated == true)
            #expect(Self.filesContaining(Self.marker, under: harness.directory) == [])
            #expect(try await blobs.read(BlobDigest(of: shared)) == shared)

            let after = try await readAll(harness.log)
            #expect(after.count == before.count)
            for (old, new) in zip(before, after) {
                #expect(new.position == old.position && new.eventID == old.eventID && new.streamVersion == old.streamVersion)
                if old.stream == "secret", old.type != "session.deleted" {
                    #expect(new.type == "event.erased")
                    let event = try SessionEvent.decode(type: new.type, schemaVersion: new.schemaVersion, body: new.body)
                    #expect(event == .erased(EventErased(erasedType: old.type, erasedSchemaVersion: old.schemaVersion)))
                } else {
                    #expect(new == old)
                }
            }
            #expect(try await harness.store.export("kept") == keptBefore)
            #expect(try await Self.differencesFromRebuild(harness) == [])
            let history = try await harness.store.events("secret")
            #expect(history.map(\.type) == Array(repeating: "event.erased", count: secretRecords) + ["session.deleted"])
            #expect(!history.contains { $0.summary.contains(Self.marker) })

            // Nothing left: a second run changes nothing and does not even seal a segment.
            let end = try await harness.log.durableEnd()
            #expect(try await erasure.run().isEmpty)
            #expect(try await harness.store.sessionsAwaitingErasure().isEmpty)
            #expect(try await readAll(harness.log) == after)
            #expect(try await harness.log.durableEnd() == end)
        }
    }

    @Test func aYoungUnreferencedBlobStaysForTheGracePeriod() async throws {
        try await ProjectionHarness.with { harness in
            let blobs = FileBlobStore(root: harness.directory + "/blobs")
            // As an upload whose event is not applied yet: a blob no file row names.
            let digest = try await blobs.write(Array("just uploaded".utf8))
            let erasure = PermanentErasure(log: harness.log, store: harness.store, blobs: blobs)
            #expect(try await erasure.run().blobsRemoved == 0)
            var late = PermanentErasure.Configuration()
            late.clock = { Date().addingTimeInterval(11 * 60) }
            let later = PermanentErasure(log: harness.log, store: harness.store, blobs: blobs, configuration: late)
            #expect(try await later.run().blobsRemoved == 1)
            #expect(try await blobs.read(digest) == nil)
        }
    }

    @Test func blobsAreCollectedOnlyFromAProjectionThatHasCaughtUpWithTheLog() async throws {
        try await ProjectionHarness.with { harness in
            let blobs = FileBlobStore(root: harness.directory + "/blobs")
            try await Self.write("early", text: "early", files: [], harness: harness, blobs: blobs)
            // A projection of the same log that stops here, as another node's that lags behind: opened on a missing
            // file, it is built up to the log's end now, and no replay loop moves it on.
            let lagging = try await ProjectionStore.open(path: harness.directory + "/lagging.sqlite", log: harness.log)
            let uploaded = Array("uploaded after the lagging projection's end".utf8)
            try await Self.write("late", text: "late", files: [uploaded], harness: harness, blobs: blobs)
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())

            var waiting = PermanentErasure.Configuration()
            waiting.blobGracePeriod = 0
            waiting.catchUpWait = .milliseconds(100)
            // The lagging projection knows no file naming the upload, but has not reached the log's end: kept.
            let report = try await PermanentErasure(log: harness.log, store: lagging, blobs: blobs, configuration: waiting).run()
            #expect(report.blobsRemoved == 0)
            #expect(try await blobs.read(BlobDigest(of: uploaded)) == uploaded)

            // A run that catches the projection up itself (as `sessiond compact` does) sees the reference.
            let orphan = try await blobs.write(Array("never named by any event".utf8))
            var catchingUp = waiting
            catchingUp.catchesUp = true
            let caughtUp = try await PermanentErasure(log: harness.log, store: lagging, blobs: blobs, configuration: catchingUp).run()
            #expect(caughtUp.blobsRemoved == 1)
            #expect(try await blobs.stored().map(\.digest) == [BlobDigest(of: uploaded)])
            #expect(try await blobs.read(orphan) == nil)
            #expect(try await lagging.checkpoint() == harness.log.durableEnd())
        }
    }

    /// After erasure the writer folds the erased records and the tombstone: the session stays deleted, and its id can
    /// be created again (decision 0177) as a session of its own.
    @Test func theWriterStillRefusesADeletedSessionAfterErasureButCreatesItsIDAgain() async throws {
        try await ProjectionHarness.with { harness in
            let blobs = FileBlobStore(root: harness.directory + "/blobs")
            try await Self.write("gone", text: Self.marker, files: [], harness: harness, blobs: blobs)
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: "gone")))
            var configuration = PermanentErasure.Configuration()
            configuration.blobGracePeriod = 0
            _ = try await PermanentErasure(log: harness.log, store: harness.store, blobs: blobs, configuration: configuration).run()
            await harness.writer.clearCache()
            // Folded from the erased records and the tombstone: still deleted, still at its version.
            await #expect(throws: SessionError.sessionNotFound("gone")) {
                _ = try await harness.writer.execute(.rename(RenameSession(sessionID: "gone", title: "back")))
            }
            #expect(try await harness.store.session("gone") == nil)
            let tombstone = try await harness.log.streamVersion("gone")
            let again = try await harness.writer.execute(
                .create(CreateSession(sessionID: "gone", namespace: "default", title: "again", browserMode: "local-browser-service")))
            #expect(again.state.version == tombstone + 1 && again.state.exists)
            let session = try #require(try await harness.store.session("gone"))
            #expect(session.title == "again" && session.counters.messageCount == 0)
            #expect(try await Self.differencesFromRebuild(harness) == [])
        }
    }

    /// Decision 0075: a deleted session's `app:`/`user:` keys stay (as in ADK) until its events are erased;
    /// then each key falls back to what the remaining sessions set, exactly as a rebuild of the erased log.
    @Test func sharedStateKeysGoWithTheErasedEventsThatSetThem() async throws {
        try await ProjectionHarness.with { harness in
            func create(_ id: SessionID, _ state: JSONObject) -> SessionCommand {
                .createFrameworkSession(
                    CreateFrameworkSession(sessionID: id, namespace: "default", appName: "app", userID: "u1", state: state))
            }
            func shared() async throws -> JSONObject {
                try await harness.store.sharedState(namespace: "default", appName: "app", userID: "u1")
            }
            _ = try await harness.writer.execute(create("first", ["user:name": .string("Ada"), "app:mode": .string("fast")]))
            _ = try await harness.writer.execute(create("second", ["user:name": .string("Bea"), "app:only": .number(1)]))
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: "second")))
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            let all: JSONObject = ["user:name": .string("Bea"), "app:mode": .string("fast"), "app:only": .number(1)]
            #expect(try await shared() == all)

            var configuration = PermanentErasure.Configuration()
            configuration.blobGracePeriod = 0
            let erasure = PermanentErasure(
                log: harness.log, store: harness.store, blobs: FileBlobStore(root: harness.directory + "/blobs"),
                configuration: configuration)
            _ = try await erasure.run()
            #expect(try await shared() == ["user:name": .string("Ada"), "app:mode": .string("fast")])
            #expect(try await Self.differencesFromRebuild(harness) == [])

            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: "first")))
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            _ = try await erasure.run()
            #expect(try await shared() == [:])
            #expect(try await Self.differencesFromRebuild(harness) == [])
        }
    }
}
