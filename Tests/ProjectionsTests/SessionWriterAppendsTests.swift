import EventLog
import Foundation
import Projections
import Sessions
import Testing
import TestSupport

/// `SessionWriter.execute(appends:)`: many sessions' appends in one call, each answered as on its own.
@Suite struct SessionWriterAppendsTests {
    static func create(_ id: SessionID) -> SessionCommand {
        .create(CreateSession(sessionID: id, namespace: "default", title: "t", browserMode: "local-browser-service"))
    }

    static func send(_ id: SessionID, _ text: String) -> SessionCommand {
        .sendUserMessage(SendUserMessage(sessionID: id, text: text))
    }

    @Test func eachAppendIsAnsweredOnItsOwnInOneFramePerRoundAndReadsItsWrite() async throws {
        try await ProjectionHarness.with { harness in
            for id: SessionID in ["a", "b", "c"] { _ = try await harness.writer.execute(Self.create(id)) }
            let before = harness.log.statistics
            let results = await harness.writer.execute(appends: [
                SessionAppend(session: "a", commands: [Self.send("a", "x")]),
                SessionAppend(
                    session: "b", commands: [.rename(RenameSession(sessionID: "b", title: "new"))],
                    options: WriteOptions(expectedVersion: 7)),
                SessionAppend(session: "nope", commands: [Self.send("nope", "lost")]),
                SessionAppend(session: "a", commands: [Self.send("a", "y"), Self.send("a", "z")]),
                SessionAppend(
                    session: "c", commands: [.rename(RenameSession(sessionID: "c", title: "renamed"))],
                    options: WriteOptions(idempotencyKey: "k")),
            ])
            let x = try results[0].get(), yz = try results[3].get(), renamed = try results[4].get()
            #expect(throws: ProjectionError.self) { try results[1].get() }
            #expect(throws: SessionError.self) { try results[2].get() }
            #expect(x.positions.count == 2 && yz.positions.count == 4 && yz.positions[0] > x.positions[1])
            #expect(yz.state.version == x.state.version + 4)
            #expect(!renamed.deduplicated && renamed.state.title == "renamed")
            // Round one (a's first append and c's) in one frame, round two (a's second) in another.
            #expect(harness.log.statistics.frames == before.frames + 2)
            #expect(harness.log.statistics.appends == before.appends + 3)

            // Read-your-writes: the projections have every answered append.
            let a = try #require(try await harness.store.session("a"))
            #expect(a.counters.userMessageCount == 3 && a.version == yz.state.version)
            #expect(try await harness.store.session("c")?.title == "renamed")
            #expect(try await harness.store.session("b")?.title == "t")
            #expect(try await harness.store.session("nope") == nil)

            let retry = await harness.writer.execute(appends: [
                SessionAppend(
                    session: "c", commands: [.rename(RenameSession(sessionID: "c", title: "renamed"))],
                    options: WriteOptions(idempotencyKey: "k"))
            ])
            let again = try retry[0].get()
            #expect(again.deduplicated && again.positions == renamed.positions)
            #expect(harness.log.statistics.appends == before.appends + 3)
        }
    }

    /// A store may answer an append without the records it stored: the batch reads them back, and appends once.
    @Test func anAppendAnsweredWithoutItsRecordsIsReadBackNotAppendedAgain() async throws {
        try await withTemporaryDirectory { dir in
            let file = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let log = OutageLogStore(file)
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            let loop = ReplayLoop(store: store, log: log)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                let writer = SessionWriter(log: log, replay: loop)
                _ = try await writer.execute(Self.create("a"))
                log.withholdsRecords.withLock { $0 = true }
                let appends = file.statistics.appends
                let results = await writer.execute(appends: [SessionAppend(session: "a", commands: [Self.send("a", "once")])])
                let sent = try results[0].get()
                #expect(!sent.deduplicated && sent.state.counters.userMessageCount == 1)
                #expect(file.statistics.appends == appends + 1)
                #expect(try await store.session("a")?.counters.userMessageCount == 1)
                group.cancelAll()
            }
            await file.close()
        }
    }

    @Test func aStaleCachedStateIsDecidedAgainOnTheLogsState() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create("a"))
            let other = SessionWriter(log: harness.log, replay: harness.replay)
            let elsewhere = try await other.execute(Self.send("a", "from another writer"))
            let results = await harness.writer.execute(appends: [SessionAppend(session: "a", commands: [Self.send("a", "here")])])
            let here = try results[0].get()
            #expect(here.state.version == elsewhere.state.version + 2)
            #expect(try await harness.store.session("a")?.counters.userMessageCount == 2)
        }
    }
}
