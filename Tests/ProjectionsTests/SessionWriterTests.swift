import EventLog
import Foundation
import Projections
import Sessions
import Testing

@Suite struct SessionWriterTests {
    static let create = SessionCommand.create(
        CreateSession(sessionID: "w", namespace: "default", title: "t", browserMode: "local-browser-service"))

    @Test func aRetryWithTheSameIdempotencyKeyAppendsNothing() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            let send = SessionCommand.sendUserMessage(SendUserMessage(sessionID: "w", text: "hello"))
            let first = try await harness.writer.execute(send, options: WriteOptions(idempotencyKey: "k1"))
            let end = try await harness.log.durableEnd()
            await harness.writer.clearCache()
            let retry = try await harness.writer.execute(send, options: WriteOptions(idempotencyKey: "k1"))
            #expect(retry.deduplicated && !first.deduplicated)
            #expect(retry.positions == first.positions && retry.events == first.events)
            #expect(try await harness.log.durableEnd() == end)
            let records = try await harness.log.read(from: first.positions[0], limit: 1)
            #expect(records.first?.eventID == EventID.derived(session: "w", idempotencyKey: "k1", index: 0))
        }
    }

    @Test func aStaleExpectedVersionConflictsAndAppendsNothing() async throws {
        try await ProjectionHarness.with { harness in
            let created = try await harness.writer.execute(Self.create)
            let rename = SessionCommand.rename(RenameSession(sessionID: "w", title: "new"))
            _ = try await harness.writer.execute(rename, options: WriteOptions(expectedVersion: created.state.version))
            let end = try await harness.log.durableEnd()
            await #expect(throws: ProjectionError.self) {
                _ = try await harness.writer.execute(
                    .rename(RenameSession(sessionID: "w", title: "newer")),
                    options: WriteOptions(expectedVersion: created.state.version))
            }
            #expect(try await harness.log.durableEnd() == end)
        }
    }

    /// Two writers on one log stand for two nodes sharing a log: each decides on its own cached states without asking
    /// the log first (decision 0112), and must answer as if they were current.
    @Test func aWriterWithAStaleCachedStateAnswersAsIfItWereCurrent() async throws {
        try await ProjectionHarness.with { harness in
            let a = harness.writer, b = SessionWriter(log: harness.log, replay: nil)
            let rename = { (title: String) in SessionCommand.rename(RenameSession(sessionID: "w", title: title)) }
            // B caches "w" as a session that does not exist; then A creates it (namespace "default").
            await #expect(throws: SessionError.sessionNotFound("w")) { _ = try await b.execute(rename("early")) }
            _ = try await a.execute(Self.create)
            let end = try await harness.log.durableEnd()
            // Another namespace's key still finds no session, and appends nothing.
            await #expect(throws: SessionError.sessionNotFound("w")) {
                _ = try await b.execute(rename("theirs"), options: WriteOptions(namespace: "other"))
            }
            #expect(try await harness.log.durableEnd() == end)
            // Refused on the stale state, decided again on the fresh one.
            #expect(try await b.execute(rename("b"), options: WriteOptions(namespace: "default")).state.version == 2)
            // A renames to "a"; B, still at "b", is asked to rename to "b": a no-op on its stale state, a change on the
            // current one.
            _ = try await a.execute(rename("a"))
            let renamed = try await b.execute(rename("b"))
            #expect(renamed.events == [.titleChanged(SessionTitleChanged(title: "b"))])
            #expect(renamed.state.version == 4 && renamed.state.title == "b")
            // An If-Match of the current version, on a stale state, is not a conflict.
            _ = try await a.execute(rename("c"))
            let matched = try await b.execute(rename("d"), options: WriteOptions(expectedVersion: 5))
            #expect(matched.state.version == 6)
            // A stale If-Match is a conflict naming the current version.
            _ = try await a.execute(rename("e"))
            do {
                _ = try await b.execute(rename("f"), options: WriteOptions(expectedVersion: 6))
                Issue.record("a stale If-Match was accepted")
            } catch ProjectionError.wrongExpectedVersion(_, let expected, let actual) {
                #expect(expected == 6 && actual == 7)
            }
            // A retry of a write A took, on B with a stale state, answers A's result and appends nothing.
            let first = try await a.execute(rename("g"), options: WriteOptions(idempotencyKey: "k"))
            let retry = try await b.execute(rename("g"), options: WriteOptions(idempotencyKey: "k"))
            #expect(retry.deduplicated && retry.positions == first.positions)
            #expect(try await harness.log.durableEnd() == first.positions.last)
        }
    }

    @Test func badInputThrowsAndAppendsNothing() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            let end = try await harness.log.durableEnd()
            await #expect(throws: SessionError.validation(field: "content", message: "message content is required")) {
                _ = try await harness.writer.execute(.sendUserMessage(SendUserMessage(sessionID: "w", text: "")))
            }
            await #expect(throws: SessionError.sessionNotFound("nope")) {
                _ = try await harness.writer.execute(.rename(RenameSession(sessionID: "nope", title: "x")))
            }
            #expect(try await harness.log.durableEnd() == end)
        }
    }

    @Test func concurrentCommandsOnOneSessionAreSerialized() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            let writer = harness.writer
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<32 {
                    group.addTask {
                        _ = try await writer.execute(.sendUserMessage(SendUserMessage(sessionID: "w", text: "m\(n)")))
                    }
                }
                try await group.waitForAll()
            }
            let session = try #require(try await harness.store.session("w"))
            #expect(session.counters.userMessageCount == 32)
            #expect(session.version == 1 + 32 * 2)
        }
    }

    @Test func aCreateWithoutAnIDGetsOneAndReadsItsWrite() async throws {
        try await ProjectionHarness.with { harness in
            let result = try await harness.writer.execute(
                .create(CreateSession(namespace: "default", title: "t", browserMode: "local-browser-service")),
                options: WriteOptions(actor: "key-9", requestID: "req-1"))
            #expect(result.sessionID.rawValue.hasPrefix("id-"))
            #expect(try await harness.store.session(result.sessionID)?.title == "t")
            let events = try await harness.store.events(result.sessionID)
            #expect(events.map(\.actor) == ["key-9"] && events.map(\.requestID) == ["req-1"])
        }
    }

    /// The writer folds the events it decided without decoding what it stored: its state must be exactly the
    /// state folded from the log's records (both without contents, decision 0156), and the events it decided
    /// exactly the log's, for every kind of value an event carries (fractional numbers, JSON objects, tool calls,
    /// removals).
    @Test func theCachedStateIsTheStateTheLogHolds() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            let commands: [SessionCommand] = [
                .sendUserMessage(SendUserMessage(sessionID: "w", messageID: "u1", text: "list the files")),
                .appendMessage(
                    AppendMessage(
                        sessionID: "w", messageID: "a1", role: .assistant, text: "reading", model: "m",
                        finishReason: .toolUse, inputTokens: 3638, outputTokens: 514, cacheReadTokens: 7,
                        cost: 0.1 + 0.2, latencyMs: 8687.25,
                        toolCalls: [ToolCall(id: "t1", name: "ls", input: #"{"path":"/tmp","depth":1.5}"#)],
                        metadata: ["n": .number(1e-7), "nested": .object(["b": .bool(true), "a": .null])],
                        item: .array([.string("é/ü"), .number(-0.0), .number(3)]))),
                .recordToolResult(
                    RecordToolResult(sessionID: "w", toolCallID: "t1", messageID: "r1", result: "a\nb\tc")),
                .updateState(UpdateState(sessionID: "w", delta: ["k": .number(2.5), "z": .string("x")])),
                .rewind(RewindSession(sessionID: "w", messageID: "u1")),
            ]
            var last: WriteResult?
            var decided: [SessionEvent] = []
            for command in commands {
                last = try await harness.writer.execute(command)
                decided += last?.events ?? []
            }
            let cached = try #require(last).state
            var folded = SessionState.initialWithoutContent
            var stored: [SessionEvent] = []
            for record in try await harness.log.readStream("w", fromVersion: 1) {
                let event = try SessionEvent.decode(
                    type: record.type, schemaVersion: record.schemaVersion, body: record.body)
                folded.apply(event, version: record.streamVersion, recordedAt: record.recordedAt)
                stored.append(event)
            }
            #expect(cached == folded)
            #expect(decided == Array(stored.dropFirst()))  // all but the create, decided before
        }
    }

    /// A caller of one namespace writing to another namespace's session gets "not found" and appends nothing;
    /// its own namespace, or no namespace (an open daemon), writes.
    @Test func anotherNamespacesSessionIsNotFoundForAWrite() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(Self.create)
            let end = try await harness.log.durableEnd()
            let rename = SessionCommand.rename(RenameSession(sessionID: "w", title: "theirs"))
            await #expect(throws: SessionError.sessionNotFound("w")) {
                _ = try await harness.writer.execute(rename, options: WriteOptions(namespace: "other"))
            }
            await #expect(throws: SessionError.sessionNotFound("w")) {
                _ = try await harness.writer.execute(batch: [rename], on: "w", options: WriteOptions(namespace: "other"))
            }
            #expect(try await harness.log.durableEnd() == end)
            _ = try await harness.writer.execute(rename, options: WriteOptions(namespace: "default"))
            _ = try await harness.writer.execute(.rename(RenameSession(sessionID: "w", title: "open")))
            #expect(try await harness.store.session("w")?.title == "open")
        }
    }
}
