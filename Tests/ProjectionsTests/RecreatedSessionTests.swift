import Blobs
import EventLog
import Foundation
import Projections
import Sessions
import Testing

/// A deleted session's id created again (decision 0177): the new session reads as a session of its own everywhere
/// (current state, transcript, audit history, as-of points, items), the live projection equals a rebuild, and
/// compaction erases the deleted incarnation's bodies and keeps every record of the new one.
@Suite struct RecreatedSessionTests {
    static let id: SessionID = "again"

    /// Writes a session under ``id`` with `text` in its content (PermanentErasureTests' script: its user message
    /// leaves a run started), deletes it, and creates it again with one assistant message; returns the tombstone.
    static func deleteAndCreateAgain(_ harness: ProjectionHarness, text: String) async throws -> LogRecord {
        let blobs = FileBlobStore(root: harness.directory + "/blobs")
        try await PermanentErasureTests.write(Self.id, text: text, files: [], harness: harness, blobs: blobs)
        try await PermanentErasureTests.write("kept", text: "kept words", files: [], harness: harness, blobs: blobs)
        _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: Self.id)))
        _ = try await harness.writer.execute(
            .create(CreateSession(sessionID: Self.id, namespace: "default", title: "fresh title", browserMode: "local-browser-service")))
        _ = try await harness.writer.execute(
            .appendMessage(AppendMessage(sessionID: Self.id, messageID: "fresh-1", role: .assistant, text: "fresh words")))
        try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
        return try #require(try await readAll(harness.log).last { $0.type == EventType.sessionDeleted.rawValue })
    }

    /// A key the deleted session used answers no write to the new one as done: 409, nothing appended; a retried
    /// delete, which did happen, is still answered as a retry.
    @Test func aKeyTheDeletedSessionUsedIsAConflictNotARetry() async throws {
        try await ProjectionHarness.with { harness in
            let id: SessionID = "keyed"
            let create = SessionCommand.create(
                CreateSession(sessionID: id, namespace: "default", title: "t", browserMode: "local-browser-service"))
            func send(_ messageID: MessageID) -> SessionCommand {
                .appendMessage(AppendMessage(sessionID: id, messageID: messageID, role: .assistant, text: "words"))
            }
            _ = try await harness.writer.execute(create)
            _ = try await harness.writer.execute(send("m1"), options: WriteOptions(idempotencyKey: "k"))
            let delete = SessionCommand.delete(DeleteSession(sessionID: id))
            _ = try await harness.writer.execute(delete, options: WriteOptions(idempotencyKey: "d"))
            _ = try await harness.writer.execute(create)
            let end = try await harness.log.durableEnd()

            await #expect(throws: EventLogError.self) {
                _ = try await harness.writer.execute(send("m2"), options: WriteOptions(idempotencyKey: "k"))
            }
            #expect(try await harness.log.durableEnd() == end, "nothing appended")
            let retriedDelete = try await harness.writer.execute(delete, options: WriteOptions(idempotencyKey: "d"))
            #expect(retriedDelete.deduplicated)
            #expect(try await harness.log.durableEnd() == end, "the re-created session is not deleted by the retry")
            let fresh = try await harness.writer.execute(send("m2"), options: WriteOptions(idempotencyKey: "k2"))
            #expect(!fresh.deduplicated && fresh.state.exists)
        }
    }

    @Test func aSessionCreatedAgainReadsAsANewSessionAndEqualsARebuild() async throws {
        try await ProjectionHarness.with { harness in
            let tombstone = try await Self.deleteAndCreateAgain(harness, text: "old words")
            let records = try await readAll(harness.log).filter { $0.stream == Self.id.rawValue }
            let created = try #require(records.last { $0.type == EventType.sessionCreated.rawValue })
            #expect(created.streamVersion == tombstone.streamVersion + 1)

            // The current state is the new session's alone, as the fold of the whole stream says.
            let fold = try await foldStream(of: Self.id, in: harness.log)
            let session = try #require(try await harness.store.session(Self.id))
            #expect(session == SessionSnapshot(fold))
            #expect(session.title == "fresh title" && session.version == tombstone.streamVersion + 2)
            #expect(session.counters.assistantMessageCount == 1 && session.counters.userMessageCount == 0)
            #expect(!session.isProcessing, "the deleted session's run is not the new one's")
            let transcript = try #require(try await harness.store.transcript(Self.id, includeRemoved: true))
            #expect(transcript.map(\.id) == ["fresh-1"])
            #expect(try await harness.store.export(Self.id) == SessionExport(fold))

            // The audit history of the session now starts at its creation; the whole stream's stays for `sessiond events`.
            let current = try await harness.store.events(Self.id, currentIncarnation: true)
            #expect(current.map(\.type) == ["session.created", "message.appended"])
            #expect(current.first?.position == created.position)
            let all = try await harness.store.events(Self.id)
            #expect(all.map(\.version) == records.map(\.streamVersion))
            let keptHistory = try await harness.store.events("kept")
            #expect(try await harness.store.events("kept", currentIncarnation: true) == keptHistory)

            // As-of points of the deleted session are no points of this one.
            #expect(try await harness.store.session(Self.id, at: .version(2)) == nil)
            #expect(try await harness.store.session(Self.id, at: .position(tombstone.position)) == nil)
            #expect(try await harness.store.export(Self.id, at: .version(tombstone.streamVersion - 1)) == nil)
            // At its creation: no run in progress, though the deleted session's last run never finished.
            let atCreation = try #require(try await harness.store.session(Self.id, at: .position(created.position)))
            #expect(!atCreation.isProcessing && atCreation.version == created.streamVersion)
            #expect(atCreation.counters.messageCount == 0)

            // A reader holding the deleted session's items reads the whole list again.
            #expect(try await harness.store.itemsAppended(Self.id, after: 2, upTo: session.version) == nil)
            #expect(try await harness.store.itemsAppended(Self.id, after: created.streamVersion, upTo: session.version)?.count == 0)

            // The latest tombstone bounds what is withheld.
            let tombstones = try await harness.store.latestTombstones(among: [Self.id.rawValue, "kept", "never"])
            #expect(tombstones == [
                Self.id.rawValue: Tombstone(version: tombstone.streamVersion, position: tombstone.position)
            ])

            // A fork of a point of the deleted session is refused; of the new one, made.
            await #expect(throws: SessionError.sessionNotFound(Self.id)) {
                _ = try await harness.writer.fork(Self.id, throughVersion: 2)
            }
            let fork = try await harness.writer.fork(Self.id, throughVersion: session.version)
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            #expect(try await harness.store.transcript(fork.sessionID)?.map(\.id) == ["fresh-1"])

            #expect(try await PermanentErasureTests.differencesFromRebuild(harness) == [])
        }
    }

    private static func expectOnlyErasedRecordsChanged(before: [LogRecord], after: [LogRecord], erased: [LogRecord]) {
        #expect(after.count == before.count)
        let erasedPositions = Set(erased.map(\.position))
        for (old, new) in zip(before, after) {
            #expect(new.position == old.position && new.streamVersion == old.streamVersion && new.eventID == old.eventID)
            if erasedPositions.contains(old.position) {
                #expect(new.type == EventType.eventErased.rawValue)
            } else {
                #expect(new == old, "record \(old.position) of \(old.stream) changed")
            }
        }
    }

    @Test func compactionErasesOnlyTheDeletedIncarnation() async throws {
        try await ProjectionHarness.with { harness in try await Self.compactionErasesOnlyTheDeletedIncarnation(harness) }
    }

    private static func compactionErasesOnlyTheDeletedIncarnation(_ harness: ProjectionHarness) async throws {
        let marker = PermanentErasureTests.marker
        let tombstone = try await Self.deleteAndCreateAgain(harness, text: marker)
        let before = try await readAll(harness.log)
        #expect(before.contains { Data($0.body).range(of: Data(marker.utf8)) != nil })
        let sessionBefore = try await harness.store.session(Self.id)
        let exportBefore = try await harness.store.export(Self.id)
        let keptBefore = try await harness.store.export("kept")
        let erased = before.filter {
            $0.stream == Self.id.rawValue && $0.streamVersion < tombstone.streamVersion
                && $0.type != EventType.sessionDeleted.rawValue
        }
        var configuration = PermanentErasure.Configuration()
        configuration.blobGracePeriod = 0
        let erasure = PermanentErasure(
            log: harness.log, store: harness.store, blobs: FileBlobStore(root: harness.directory + "/blobs"),
            configuration: configuration)

        let awaiting = try await harness.store.sessionsAwaitingErasure()
        let expected = Tombstone(version: tombstone.streamVersion, position: tombstone.position)
        #expect(awaiting == [Self.id.rawValue: expected])
        let planned = try await erasure.plan().records
        #expect(planned == [Self.id.rawValue: erased.count])
        let report = try await erasure.run()
        #expect(report.sessions == [Self.id.rawValue] && report.log?.recordsRewritten == erased.count)
        #expect(report.auditRowsErased == erased.count)
        #expect(PermanentErasureTests.filesContaining(marker, under: harness.directory) == [])

        // Only the deleted incarnation's records became `event.erased`; the tombstone and the new session's
        // records are byte for byte what they were.
        Self.expectOnlyErasedRecordsChanged(before: before, after: try await readAll(harness.log), erased: erased)
        #expect(try await harness.store.session(Self.id) == sessionBefore)
        #expect(try await harness.store.export(Self.id) == exportBefore)
        #expect(try await harness.store.export("kept") == keptBefore)
        let history = try await harness.store.events(Self.id)
        #expect(history.map(\.type) == Array(repeating: "event.erased", count: erased.count)
            + ["session.deleted", "session.created", "message.appended"])
        #expect(try await PermanentErasureTests.differencesFromRebuild(harness) == [])

        // Nothing is left to do; the writer, folding the erased stream afresh, decides on the new session.
        let awaitingAfter = try await harness.store.sessionsAwaitingErasure()
        #expect(awaitingAfter.isEmpty)
        let second = try await erasure.run()
        #expect(second.sessions.isEmpty)
        await harness.writer.clearCache()
        _ = try await harness.writer.execute(.rename(RenameSession(sessionID: Self.id, title: "renamed")))

        // Deleted again: every record but the two tombstones is erased.
        _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: Self.id)))
        try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
        let third = try await erasure.run()
        #expect(third.sessions == [Self.id.rawValue])
        let types = try await readAll(harness.log).filter { $0.stream == Self.id.rawValue }.map(\.type)
        #expect(types.filter { $0 != "event.erased" } == ["session.deleted", "session.deleted"])
        #expect(try await harness.store.session(Self.id) == nil)
        #expect(try await PermanentErasureTests.differencesFromRebuild(harness) == [])
    }

    /// The shared `app:`/`user:` keys the deleted session set go at its erasure (decision 0075); those the new
    /// session set, after its tombstone, stay.
    @Test func erasureKeepsTheSharedKeysTheNewSessionSet() async throws {
        try await ProjectionHarness.with { harness in
            func create(_ state: JSONObject) -> SessionCommand {
                .createFrameworkSession(
                    CreateFrameworkSession(sessionID: Self.id, namespace: "default", appName: "app", userID: "u1", state: state))
            }
            func shared() async throws -> JSONObject {
                try await harness.store.sharedState(namespace: "default", appName: "app", userID: "u1")
            }
            _ = try await harness.writer.execute(create(["user:name": .string("Ada"), "app:old": .number(1)]))
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: Self.id)))
            _ = try await harness.writer.execute(create(["user:name": .string("Bea"), "app:new": .number(2)]))
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            #expect(try await shared() == ["user:name": .string("Bea"), "app:old": .number(1), "app:new": .number(2)])

            var configuration = PermanentErasure.Configuration()
            configuration.blobGracePeriod = 0
            _ = try await PermanentErasure(
                log: harness.log, store: harness.store, blobs: FileBlobStore(root: harness.directory + "/blobs"),
                configuration: configuration
            ).run()
            #expect(try await shared() == ["user:name": .string("Bea"), "app:new": .number(2)])
            #expect(try await PermanentErasureTests.differencesFromRebuild(harness) == [])
        }
    }
}
