import EventLog
import Foundation
import Projections
import Sessions
import Testing
import TestSupport

/// The writer's cache of session states past its byte limit (decision 0156): long sessions written round-robin, as
/// agents take turns, must not refold their whole stream from the log on every append (the cliff of decision 0119).
@Suite struct WriterStateCacheTests {
    static let sessions = 16
    static let messages = 100
    /// A kilobyte of text per message: the sessions' bodies (≈ 1.9 MB) are far past the limit, their states without
    /// the texts (≈ 16 × 100 × 300 bytes) well inside it.
    static let text = String(repeating: "All work and no play makes Jack a dull boy. ", count: 23)

    static func append(_ session: Int, _ message: Int) -> SessionCommand {
        .appendMessage(
            AppendMessage(
                sessionID: SessionID(rawValue: "long-\(session)")!,
                messageID: MessageID(rawValue: "m-\(message)")!,
                role: .assistant, text: text, model: "claude-sonnet-4-5-20250929", inputTokens: 3638, outputTokens: 514))
    }

    @Test func longSessionsWrittenRoundRobinPastTheLimitAreNotRefoldedOnEachAppend() async throws {
        try await withTemporaryDirectory { dir in
            let log = OutageLogStore(
                try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration()))
            var configuration = SessionWriter.Configuration()
            configuration.cacheByteLimit = 1 << 20
            let writer = SessionWriter(log: log, replay: nil, configuration: configuration)
            for session in 0..<Self.sessions {
                _ = try await writer.execute(
                    .create(
                        CreateSession(
                            sessionID: SessionID(rawValue: "long-\(session)")!, namespace: "default", title: "long",
                            browserMode: "local-browser-service")))
            }
            for message in 0..<Self.messages {
                for session in 0..<Self.sessions { _ = try await writer.execute(Self.append(session, message)) }
            }
            // One more round-robin turn of every session, then the stream reads it took: each is a refold.
            let before = log.streamReads.withLock { $0 }
            for message in Self.messages..<(Self.messages + 3) {
                for session in 0..<Self.sessions { _ = try await writer.execute(Self.append(session, message)) }
            }
            let refolds = log.streamReads.withLock { $0 } - before
            #expect(refolds == 0, "\(refolds) of \(3 * Self.sessions) appends refolded their session from the log")
            // And the decisions still see every message: a duplicate id is refused.
            await #expect(throws: SessionError.self) { _ = try await writer.execute(Self.append(0, 5)) }
            await log.close()
        }
    }

    /// `/metrics` reports the states the writer read from the log (decision 0162): with room, each session's first
    /// write only (a new session folds nothing); with none, every round-robin write, folding its whole session.
    @Test(arguments: [1 << 20, 1])
    func theWriterCountsTheStatesItReadFromTheLogAndTheEventsItFolded(byteLimit: Int) async throws {
        try await withTemporaryDirectory { dir in
            let log = try EventLog(directory: dir + "/log", configuration: ProjectionHarness.logConfiguration())
            var configuration = SessionWriter.Configuration()
            configuration.cacheByteLimit = byteLimit
            let writer = SessionWriter(log: log, replay: nil, configuration: configuration)
            var versions: [Int: UInt64] = [:]
            for session in 0..<4 {
                let created = try await writer.execute(
                    .create(
                        CreateSession(
                            sessionID: SessionID(rawValue: "long-\(session)")!, namespace: "default", title: "long",
                            browserMode: "local-browser-service")))
                versions[session] = created.state.version
            }
            #expect(await writer.statistics.stateLoads == 4)
            #expect(await writer.statistics.foldedEvents == 0)
            var foldedIfNothingStays: UInt64 = 0
            for message in 0..<5 {
                for session in 0..<4 {
                    foldedIfNothingStays += versions[session]!
                    versions[session] = try await writer.execute(Self.append(session, message)).state.version
                }
            }
            let statistics = await writer.statistics
            if byteLimit > 1 {
                #expect(statistics == WriterStatistics(stateLoads: 4, foldedEvents: 0))
            } else {
                #expect(statistics == WriterStatistics(stateLoads: 4 + 20, foldedEvents: foldedIfNothingStays))
                #expect(foldedIfNothingStays >= 4 * (1 + 2 + 3 + 4 + 5))
            }
            await log.close()
        }
    }

    @Test func aPopAnswersTheRemovedItemThoughTheCachedStateKeepsNoItems() async throws {
        try await ProjectionHarness.with { harness in
            let id: SessionID = "framework"
            _ = try await harness.writer.execute(
                .createFrameworkSession(CreateFrameworkSession(sessionID: id, namespace: "default")))
            let item: JSONValue = .object(["type": .string("message"), "content": .string(Self.text)])
            for index in 0..<3 {
                _ = try await harness.writer.execute(
                    .appendMessage(
                        AppendMessage(
                            sessionID: id, messageID: MessageID(rawValue: "i-\(index)")!, role: .user, text: "t",
                            item: index == 1 ? item : nil)))
            }
            let popped = try await harness.writer.execute(.removeMessages(RemoveMessages(sessionID: id, removal: .pop)))
            #expect(popped.removedItems == ["i-1": item])
            #expect(popped.state.message("i-1") == nil)  // the writer's state keeps no contents
        }
    }
}
