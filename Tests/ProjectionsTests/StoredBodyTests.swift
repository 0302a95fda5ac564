import EventLog
import Foundation
import GRDB
@testable import Projections
import Sessions
import Testing
import TestSupport

/// How the projection database stores bodies (decision 0090): long tool results and items zstd-compressed per
/// value, read back whole by every reader; and the replay loop leaves no WAL behind once the log goes quiet.
@Suite struct StoredBodyTests {
    static let longText = String(repeating: "let frame = try decoder(60) // the same line, compressible\n", count: 40)

    /// A session with one short and one long value in each body column: message text, reasoning, item, tool
    /// call input and tool result.
    static func appendLongBodies(to log: EventLog) async throws -> SessionID {
        let writer = SessionWriter(log: log, replay: nil)
        let id = SessionID(rawValue: "bodies")!
        _ = try await writer.execute(
            .create(CreateSession(sessionID: id, namespace: "default", title: "t", browserMode: "local-browser-service")))
        _ = try await writer.execute(.sendUserMessage(SendUserMessage(sessionID: id, text: "short")))
        _ = try await writer.execute(.sendUserMessage(SendUserMessage(sessionID: id, text: longText)))
        let call = ToolCall(id: ToolCallID(rawValue: "call-1")!, name: "bash", input: #"{"command":"\#(longText)"}"#)
        _ = try await writer.execute(
            .appendMessage(AppendMessage(
                sessionID: id, role: .assistant, text: longText, reasoning: longText, finishReason: .toolUse,
                toolCalls: [call], item: .string(longText))))
        _ = try await writer.execute(
            .recordToolResult(RecordToolResult(sessionID: id, toolCallID: call.id, result: longText)))
        return id
    }

    /// A log holding ``appendLongBodies(to:)``'s session, and its projection caught up.
    static func withLongBodiesProjected(
        _ body: (SessionID, ProjectionStore, EventLog) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let id = try await appendLongBodies(to: log)
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            _ = try await store.catchUp(from: log)
            try await body(id, store, log)
            await log.close()
        }
    }

    @Test func longBodiesAreStoredCompressedAndReadBackWhole() async throws {
        try await Self.withLongBodiesProjected { id, store, log in
            let queue = try SQLiteConnections.queue(store.currentFile)
            let (texts, others) = try await queue.read { db in
                (
                    try Bool.fetchAll(db, sql: "SELECT hasText FROM transcriptMessage ORDER BY addedPosition"),
                    try String.fetchAll(
                        db,
                        sql: """
                            SELECT typeof(tailJSON) FROM transcriptMessage WHERE role = 'assistant'
                            UNION ALL SELECT typeof(item) FROM transcriptMessage WHERE role = 'assistant'
                            UNION ALL SELECT typeof(headJSON) FROM toolCall
                            UNION ALL SELECT typeof(resultLiteral) FROM toolResult
                            """)
                )
            }
            try queue.close()
            #expect(texts == [true, true, true, false])  // the last: the tool message the result added
            #expect(others == ["text", "blob", "text", "blob"])  // reasoning (in the tail), item, input, result

            // Every reader gets the text back whole: snapshot (first user message), transcript, export, items.
            try await ReplayCrashTests.expectMatchesFold(store, log)
            let export = try #require(try await store.export(id, at: .latest))
            let state = try #require(try await foldLog(log)[id])
            #expect(export.json() == SessionExport(state)!.json())
            let items = try #require(try await store.items(id))
            #expect(items.map(\.item) == [.string(Self.longText)])
        }
    }

    /// A stored result that does not decompress (only a damaged file holds one) is exported as an empty string:
    /// the document stays valid JSON.
    @Test func aDamagedStoredResultIsExportedAsAnEmptyString() async throws {
        try await Self.withLongBodiesProjected { id, store, _ in
            let queue = try SQLiteConnections.queue(store.currentFile)
            try await queue.write { db in
                // A zstd frame header announcing 100 bytes, followed by nothing that decompresses.
                try db.execute(sql: "UPDATE toolResult SET resultLiteral = X'28B52FFD206400DEADBEEF'")
            }
            try queue.close()
            let json = try #require(try await store.exportJSON(id, at: .latest))
            let document = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
            let messages = try #require(document?["messages"] as? [[String: Any]])
            let results = messages.compactMap { $0["toolCalls"] as? [[String: Any]] }.joined().compactMap { $0["result"] }
            #expect(results.count == 1 && results.first as? String == "")
        }
    }

    @Test(arguments: [true, false])
    func theReplayLoopTruncatesTheWALOnceTheLogGoesQuiet(truncates: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            let store = try await ProjectionStore.open(path: dir + "/projection.sqlite", log: log)
            var configuration = ReplayLoop.Configuration()
            configuration.idleCheckpointDelay = truncates ? .milliseconds(20) : nil
            let loop = ReplayLoop(store: store, log: log, configuration: configuration)
            let wal = store.currentFile + "-wal"
            func walSize() -> Int {
                ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? NSNumber)?.intValue ?? 0
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                _ = try await Self.appendLongBodies(to: log)
                try await ReplayCrashTests.appendWorkload(to: log)
                try await loop.waitUntilApplied(try await log.durableEnd())
                // Quiet from here. A reader inside a transaction keeps the WAL busy for several idle delays;
                // once it ends, within a few more the WAL is empty, or, without the idle checkpoint, keeps the
                // pages the batches wrote.
                var readerConfiguration = Configuration()
                readerConfiguration.allowsUnsafeTransactions = true
                let reader = try SQLiteConnections.queue(store.currentFile, configuration: readerConfiguration)
                try await reader.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN")
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM transcriptMessage")
                }
                try await Task.sleep(for: .milliseconds(150))
                #expect(walSize() > 0)
                try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
                try reader.close()
                var waited = 0
                while walSize() > 0, waited < 100 {
                    try await Task.sleep(for: .milliseconds(20))
                    waited += 1
                }
                #expect((walSize() == 0) == truncates)
                group.cancelAll()
            }
            try await ReplayCrashTests.expectMatchesFold(store, log)
            await log.close()
        }
    }
}
