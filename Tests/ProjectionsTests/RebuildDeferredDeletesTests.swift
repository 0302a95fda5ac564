import EventLog
import Foundation
import GRDB
@testable import Projections
import Sessions
import Testing

/// A rebuild builds the session indexes of `eventIndex`, `toolResult` and `transcriptMessage` after its bulk load
/// and applies the tombstones' deletes of those tables only then (decisions 0130, 0131): the file it installs must
/// equal the live one.
@Suite struct RebuildDeferredDeletesTests {
    @Test func aTombstonedSessionsResultsGoAtTheEndAndTheIndexesAreBuilt() async throws {
        try await ProjectionHarness.with { harness in
            let deleted = ScriptedSessionTests.sessionID
            _ = try await ScriptedSessionTests.runScript(harness)
            let kept: SessionID = "kept-1"
            _ = try await harness.writer.execute(
                .create(CreateSession(sessionID: kept, namespace: "default", title: "Kept", browserMode: "local-browser-service")))
            _ = try await harness.writer.execute(
                .appendMessage(AppendMessage(
                    sessionID: kept, messageID: "k1", role: .assistant, finishReason: .toolUse,
                    toolCalls: [ToolCall(id: "kt1", name: "Bash", input: #"{"command":"ls"}"#)])))
            _ = try await harness.writer.execute(
                .recordToolResult(RecordToolResult(sessionID: kept, toolCallID: "kt1", messageID: "ktm1", result: "a\nb")))
            // Rebuilt before the tombstone: both sessions' results are there.
            let before = try await Rebuild(log: harness.log, path: harness.databasePath).build()
            #expect(try Self.resultCounts(in: before.file) == [deleted.rawValue: 2, kept.rawValue: 1])
            let messages = try Self.messageCounts(in: before.file)
            #expect(messages[deleted.rawValue] == 9 && messages[kept.rawValue] != nil)

            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: deleted)))
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            let rebuilt = try await Rebuild(log: harness.log, path: harness.databasePath).build()
            #expect(try Self.resultCounts(in: rebuilt.file) == [kept.rawValue: 1])
            #expect(try Self.messageCounts(in: rebuilt.file) == [kept.rawValue: messages[kept.rawValue]!])
            let differences = try await harness.store.differences(from: rebuilt.file)
            #expect(differences.isEmpty, "\(differences.prefix(5))")
            let indexes = try await SQLiteConnections.queue(rebuilt.file).read { db in
                try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
            }
            #expect(indexes.isSuperset(of: ["toolResultBySession", "eventIndexBySession", "transcriptMessageBySession"]))
        }
    }

    /// Past its live-message bound a rebuild builds `transcriptMessageBySession` mid-way and removes messages
    /// through SQL: the messages of a session deleted before then are gone first, so a session the log re-creates
    /// under the same id (as the writer does since decision 0177; here records appended to the stream directly),
    /// cleared, reads no first user message of its predecessor.
    @Test func pastTheLiveMessageBoundARecreatedSessionReadsNoneOfItsPredecessorsMessages() async throws {
        try await ProjectionHarness.with { harness in
            func commands(_ id: SessionID, _ messages: [MessageID]) -> [SessionCommand] {
                [.create(CreateSession(sessionID: id, namespace: "default", title: "Again", browserMode: "local-browser-service"))]
                    + messages.map { .sendUserMessage(SendUserMessage(sessionID: id, messageID: $0, text: "hi \($0)")) }
            }
            let id: SessionID = "again-1"
            let source: SessionID = "source-1"
            for command in commands(id, ["old-1"]) + [.delete(DeleteSession(sessionID: id))]
                + commands(source, ["new-1", "new-2"]) + [.removeMessages(RemoveMessages(sessionID: source, removal: .clear))]
            {
                _ = try await harness.writer.execute(command)
            }
            // The source session's records, appended again to the deleted session's stream.
            let again = try await readAll(harness.log).filter { $0.stream == source.rawValue }.map {
                ProposedRecord(type: $0.type, schemaVersion: $0.schemaVersion, body: $0.body)
            }
            _ = try await harness.log.append(again, to: id.rawValue)
            try await harness.replay.waitUntilApplied(try await harness.log.durableEnd())
            let live = try #require(try await harness.store.session(id))
            #expect(live.firstUserMessage == nil && live.counters.userMessageCount == 0)

            for held in [1, Int.max] {
                var configuration = ProjectionStore.Configuration()
                configuration.rebuildBatchSize = 1
                configuration.rebuildLiveMessages = held
                let rebuilt = try await Rebuild(
                    log: harness.log, path: harness.databasePath, configuration: configuration
                ).build()
                let differences = try await harness.store.differences(from: rebuilt.file)
                #expect(differences.isEmpty, "\(held) messages held: \(differences.prefix(5))")
                #expect(
                    try Self.messageCounts(in: rebuilt.file) == [id.rawValue: 2, source.rawValue: 2], "\(held) messages held")
            }
        }
    }

    static func resultCounts(in file: String) throws -> [String: Int] { try rowCounts(of: "toolResult", in: file) }

    static func messageCounts(in file: String) throws -> [String: Int] { try rowCounts(of: "transcriptMessage", in: file) }

    /// Rows of `table` per session.
    static func rowCounts(of table: String, in file: String) throws -> [String: Int] {
        try SQLiteConnections.queue(file).read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT stream.id, count(*) FROM \(table) JOIN stream ON stream.key = sessionKey GROUP BY stream.id")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) })
        }
    }
}
