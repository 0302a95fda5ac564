import EventLog
import Foundation
import Projections
import Sessions
import Testing

/// The fork through the writer (two appends, both visible in the projections) and the audited transcript the
/// console reads: every message appended by a point, with where it was added and where a rewind removed it.
@Suite struct ForkAndAuditTests {
    static let create = SessionCommand.create(
        CreateSession(sessionID: "src", namespace: "default", title: "Source", browserMode: "local-browser-service"))

    /// u1, a1 (calls c1, 40 ms, 10+5 tokens), t1 with c1's error result, a2 (80 ms); then a rewind to a1.
    static func script(_ writer: SessionWriter) async throws -> (beforeRewind: LogPosition, rewind: LogPosition) {
        _ = try await writer.execute(create)
        _ = try await writer.execute(.sendUserMessage(SendUserMessage(sessionID: "src", messageID: "u1", text: "ls")))
        _ = try await writer.execute(
            .appendMessage(
                AppendMessage(
                    sessionID: "src", messageID: "a1", role: .assistant, text: "running", inputTokens: 10,
                    outputTokens: 5, cacheReadTokens: 2, latencyMs: 40,
                    toolCalls: [ToolCall(id: "c1", name: "Bash", input: "{}")])))
        _ = try await writer.execute(
            .recordToolResult(
                RecordToolResult(sessionID: "src", toolCallID: "c1", messageID: "t1", result: "denied", isError: true)))
        let a2 = try await writer.execute(
            .appendMessage(
                AppendMessage(
                    sessionID: "src", messageID: "a2", role: .assistant, text: "sorry", finishReason: .endTurn,
                    latencyMs: 80)))
        let rewind = try await writer.execute(.rewind(RewindSession(sessionID: "src", messageID: "a1")))
        return (try #require(a2.lastPosition), try #require(rewind.positions.first))
    }

    @Test func theAuditedTranscriptMarksLaterRewindsAndCountsStats() async throws {
        try await ProjectionHarness.with { harness in
            let (before, rewind) = try await Self.script(harness.writer)
            let page = try #require(try await harness.store.auditedTranscript("src", at: .position(before)))
            #expect(page.position == before)
            #expect(page.messages.map(\.message.id) == ["u1", "a1", "t1", "a2"])
            // Live at the point, removed later: marked with the rewind's position, not removed yet.
            #expect(page.messages.map(\.removedPosition) == [nil, nil, rewind, rewind])
            #expect(page.messages.allSatisfy { !$0.message.isRemoved })
            #expect(page.stats.inputTokens == 10 && page.stats.outputTokens == 5 && page.stats.cacheReadTokens == 2)
            #expect(page.stats.latencyP50Ms == 40 && page.stats.latencyMaxMs == 80)
            #expect(page.stats.toolCalls == 1 && page.stats.errors == 1)
            // The same messages as the export at that point, in order.
            let export = try #require(try await harness.store.export("src", at: .position(before)))
            #expect(export.messages.map(\.id) == page.messages.map(\.message.id))

            let now = try #require(try await harness.store.auditedTranscript("src"))
            #expect(now.messages.filter(\.message.isRemoved).map(\.message.id) == ["t1", "a2"])
            #expect(now.stats.removedMessages == 2 && now.stats.liveMessages == 2)

            let second = try #require(
                try await harness.store.auditedTranscript("src", at: .position(before), after: page.messages[1].addedPosition, limit: 1))
            #expect(second.messages.map(\.message.id) == ["t1"])
            #expect(second.total == 4)
        }
    }

    @Test func aForkCopiesTheTranscriptAtTheMessageAndNotesItInTheSource() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await Self.script(harness.writer)
            let point = try #require(try await harness.store.session("src", at: .message("t1")))
            let fork = try await harness.writer.fork(
                "src", throughVersion: point.version, messageID: "t1", title: "Retry", options: WriteOptions(actor: "k1"))
            let copy = try #require(try await harness.store.export(fork.sessionID))
            #expect(copy.messages.map(\.id) == ["u1", "a1", "t1"])
            #expect(copy.messages[1].toolCalls.first?.result?.result == "denied")
            #expect(copy.session.title == "Retry")
            let origin = try #require(copy.session.forkedFrom)
            #expect(origin.sessionID == "src" && origin.messageID == "t1")
            let sourceEvents = try await harness.store.events("src")
            #expect(sourceEvents.last?.type == "session.forked")
            #expect(sourceEvents.last?.summary.contains(fork.sessionID.rawValue) == true)
            #expect(sourceEvents.last?.actor == "k1")
            // The origin's position is the source event that appended t1's result.
            let atOrigin = try #require(sourceEvents.first { $0.position.rawValue == origin.position })
            #expect(atOrigin.type == "tool_result.recorded")
            #expect(try await harness.store.events(fork.sessionID).first?.summary.contains("fork of src") == true)
        }
    }

    /// After the rewind to a1 the source still shows c1's result on a1's call, though t1 that recorded it is
    /// removed: a fork of the latest state shows it too.
    @Test func aForkAfterARewindKeepsTheResultOnTheCall() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await Self.script(harness.writer)
            let source = try #require(try await harness.store.export("src"))
            #expect(source.messages.map(\.id) == ["u1", "a1"])
            #expect(source.messages[1].toolCalls.first?.result?.result == "denied")
            let fork = try await harness.writer.fork("src", throughVersion: source.session.version)
            let copy = try #require(try await harness.store.export(fork.sessionID))
            #expect(copy.messages.map(\.id) == ["u1", "a1"])
            #expect(copy.messages.map(\.toolCalls) == source.messages.map(\.toolCalls))
        }
    }

    /// a2 is the last message and the rewind removed it: its point ends just before that rewind, so a2 is live
    /// there and can be forked from.
    @Test func aMessagesPointEndsBeforeItsOwnRemoval() async throws {
        try await ProjectionHarness.with { harness in
            let (before, _) = try await Self.script(harness.writer)
            let point = try #require(try await harness.store.session("src", at: .message("a2")))
            let beforeRewind = try #require(try await harness.store.session("src", at: .position(before)))
            #expect(point == beforeRewind)
            #expect(point.counters.messageCount == 4)
            let export = try #require(try await harness.store.export("src", at: .message("a2")))
            #expect(export.messages.map(\.id) == ["u1", "a1", "t1", "a2"])
            let fork = try await harness.writer.fork("src", throughVersion: point.version, messageID: "a2")
            let copy = try #require(try await harness.store.export(fork.sessionID))
            #expect(copy.messages.map(\.id) == ["u1", "a1", "t1", "a2"])
            // t1's next message, a2, comes before the rewind that removed t1: the point still ends there.
            let t1 = try #require(try await harness.store.export("src", at: .message("t1")))
            #expect(t1.messages.map(\.id) == ["u1", "a1", "t1"])
        }
    }

    /// A framework session's fork keeps its app and its own state keys as of the point; the shared `app:` and
    /// `user:` keys stay the app's and user's, read by the fork as by the source.
    @Test func aForkKeepsTheAppAndTheSessionsOwnState() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await harness.writer.execute(
                .createFrameworkSession(
                    CreateFrameworkSession(
                        sessionID: "adk", namespace: "default", appName: "weather", userID: "u",
                        state: ["k": .string("v"), "app:theme": .string("dark"), "user:name": .string("Ada")])))
            let point = try await harness.writer.execute(
                .appendMessage(AppendMessage(sessionID: "adk", messageID: "i1", role: .user, text: "hi")))
            _ = try await harness.writer.execute(.updateState(UpdateState(sessionID: "adk", delta: ["k": .number(2)])))
            let fork = try await harness.writer.fork("adk", throughVersion: point.state.version)
            let copy = try #require(try await harness.store.session(fork.sessionID))
            #expect(copy.appName == "weather" && copy.userID == "u")
            #expect(copy.state == ["k": .string("v")])
            #expect(
                try await harness.store.state(of: copy)
                    == ["k": .string("v"), "app:theme": .string("dark"), "user:name": .string("Ada")])
            let types = try await harness.store.events(fork.sessionID).map(\.type)
            #expect(types == ["session.created", "state.updated", "message.appended"])
        }
    }

    @Test func aForkRetriedWithItsIdempotencyKeyIsTheSameFork() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await Self.script(harness.writer)
            let first = try await harness.writer.fork("src", throughVersion: 3, options: WriteOptions(idempotencyKey: "f"))
            let again = try await harness.writer.fork("src", throughVersion: 3, options: WriteOptions(idempotencyKey: "f"))
            #expect(again.sessionID == first.sessionID && again.deduplicated)
            #expect(try await harness.store.events("src").filter { $0.type == "session.forked" }.count == 1)
        }
    }

    @Test func listsSearchAndOrder() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await Self.script(harness.writer)
            _ = try await harness.writer.execute(
                .create(CreateSession(sessionID: "other", namespace: "default", title: "Another", browserMode: "local-browser-service")))
            #expect(try await harness.store.sessions(SessionQuery(search: "SOUR")).map(\.id) == ["src"])
            #expect(try await harness.store.sessions(SessionQuery(order: .title)).map(\.id) == ["other", "src"])
            #expect(try await harness.store.sessions(SessionQuery(order: .tokens)).map(\.id) == ["src", "other"])
        }
    }
}
