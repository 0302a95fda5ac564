import EventLog
import Foundation
import Projections
import Sessions
import Testing

/// A session of 3 turns, 2 tool calls, one rewind and one cancel, with every counter computed by hand.
@Suite struct ScriptedSessionTests {
    static let sessionID: SessionID = "scripted-1"

    /// Runs the script through the writer and returns the log position of each step's last event.
    static func runScript(_ harness: ProjectionHarness) async throws -> [String: LogPosition] {
        let id = sessionID
        let writer = harness.writer
        var marks: [String: LogPosition] = [:]
        func run(_ name: String, _ command: SessionCommand) async throws {
            let result = try await writer.execute(command, options: WriteOptions(actor: "key-1", requestID: name))
            if let last = result.lastPosition { marks[name] = last }
        }
        try await run(
            "create",
            .create(CreateSession(
                sessionID: id, namespace: "default", title: "Fix the flaky build", browserMode: "local-browser-service")))
        // Turn 1: one tool call, answered.
        try await run("u1", .sendUserMessage(SendUserMessage(sessionID: id, messageID: "u1", text: "Why does CI fail?")))
        try await run(
            "a1",
            .appendMessage(AppendMessage(
                sessionID: id, messageID: "a1", role: .assistant, text: "Let me look.", model: "claude",
                finishReason: .toolUse, inputTokens: 1000, outputTokens: 50, cacheCreationTokens: 200,
                cacheReadTokens: 0, cost: 0.01, latencyMs: 1000,
                toolCalls: [ToolCall(id: "t1", name: "Bash", input: #"{"command":"cat ci.log"}"#)])))
        try await run(
            "t1", .recordToolResult(RecordToolResult(sessionID: id, toolCallID: "t1", messageID: "tm1", result: "boom")))
        try await run(
            "a2",
            .appendMessage(AppendMessage(
                sessionID: id, messageID: "a2", role: .assistant, text: "The network flakes.", finishReason: .endTurn,
                inputTokens: 1500, outputTokens: 100, cacheReadTokens: 300, cost: 0.02, latencyMs: 2000)))
        // Turn 2: a tool call, its result, then a cancel; then rewound away.
        try await run("u2", .sendUserMessage(SendUserMessage(sessionID: id, messageID: "u2", text: "Retry it.")))
        try await run(
            "a3",
            .appendMessage(AppendMessage(
                sessionID: id, messageID: "a3", role: .assistant, finishReason: .toolUse, inputTokens: 2000,
                outputTokens: 80, cost: 0.03, latencyMs: 1500,
                toolCalls: [ToolCall(id: "t2", name: "Bash", input: #"{"command":"make test"}"#)])))
        try await run(
            "t2",
            .recordToolResult(RecordToolResult(
                sessionID: id, toolCallID: "t2", messageID: "tm2", result: "line 1\nline 2", isError: true)))
        try await run("cancel", .cancelProcessing(CancelProcessing(sessionID: id)))
        try await run("rewind", .rewind(RewindSession(sessionID: id, messageID: "a2")))
        // Turn 3.
        try await run("u3", .sendUserMessage(SendUserMessage(sessionID: id, messageID: "u3", text: "Summarise.")))
        try await run(
            "a4",
            .appendMessage(AppendMessage(
                sessionID: id, messageID: "a4", role: .assistant, text: "Done.", finishReason: .endTurn,
                inputTokens: 500, outputTokens: 40, cost: 0.005, latencyMs: 500)))
        return marks
    }

    /// Tokens no decide would accept, stored anyway (by a build before the cap, or another tool): the projections
    /// apply them with their counters held at the greatest value, and the transcript's tally likewise, instead of
    /// trapping on every replay.
    @Test func hugeStoredTokensAreAppliedWithoutTrapping() async throws {
        try await ProjectionHarness.with { harness in
            let id: SessionID = "huge"
            _ = try await harness.writer.execute(
                .create(CreateSession(sessionID: id, namespace: "default", title: "t", browserMode: "local-browser-service")))
            for n in 0..<2 {
                let event = try SessionEvent.messageAppended(
                    MessageAppended(
                        messageID: MessageID(rawValue: "m\(n)")!, role: .assistant, inputTokens: Int.max,
                        outputTokens: Int.max, cacheCreationTokens: Int.max)
                ).encoded()
                let appended = try await harness.log.append(
                    [ProposedRecord(type: event.type, schemaVersion: event.schemaVersion, body: event.body)],
                    to: id.rawValue)
                try await harness.replay.waitUntilApplied(appended.lastPosition)
            }
            let counters = try #require(try await harness.store.session(id)).counters
            #expect(counters.promptTokens == Int.max && counters.completionTokens == Int.max)
            #expect(counters.totalTokens == Int.max)
            let past = try #require(try await harness.store.session(id, at: .version(3))).counters
            #expect(past.promptTokens == Int.max)
            let audited = try #require(try await harness.store.auditedTranscript(id))
            #expect(audited.stats.inputTokens == Int.max)
        }
    }

    @Test func countersAndStatsMatchHandComputedValues() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await Self.runScript(harness)
            let session = try #require(try await harness.store.session(Self.sessionID))
            let counters = session.counters
            // Live: u1 a1 tm1 a2 u3 a4; removed by the rewind: u2 a3 tm2.
            #expect(counters.userMessageCount == 2)
            #expect(counters.assistantMessageCount == 3)
            #expect(counters.toolCallCount == 1)
            #expect(counters.messageCount == 6)
            #expect(counters.totalMessages == 9)
            // (1000+200) + 1500 + 2000 + 500 and 50 + (100+300) + 80 + 40: never rolled back.
            #expect(counters.promptTokens == 5200)
            #expect(counters.completionTokens == 570)
            #expect(counters.totalTokens == 5770)
            #expect(abs(counters.cost - 0.065) < 1e-12)
            #expect(counters.totalToolCalls == 2)
            #expect(counters.averageLatencyMs == 1250)
            #expect(session.firstUserMessage == "Why does CI fail?")
            #expect(session.title == "Fix the flaky build")
            #expect(!session.isProcessing)
            #expect(harness.store.status(of: session) == .active)

            let transcript = try #require(try await harness.store.transcript(Self.sessionID))
            #expect(transcript.map(\.id.rawValue) == ["u1", "a1", "tm1", "a2", "u3", "a4"])
            #expect(transcript[1].toolCalls.first?.result?.result == "boom")
            let audit = try #require(try await harness.store.transcript(Self.sessionID, includeRemoved: true))
            #expect(audit.filter(\.isRemoved).map(\.id.rawValue) == ["u2", "a3", "tm2"])

            let stats = try await harness.store.stats()
            #expect(stats.sessions == 1 && stats.totalMessages == 9 && stats.totalTokens == 5770)
        }
    }

    @Test func asOfReadsSeeTheSessionAsItWas() async throws {
        try await ProjectionHarness.with { harness in
            let marks = try await Self.runScript(harness)
            let id = Self.sessionID
            // Just before the rewind: turn 2 is there and cancelled.
            let cancel = try #require(marks["cancel"])
            let before = try #require(try await harness.store.export(id, at: .position(cancel)))
            #expect(before.messages.map(\.id.rawValue) == ["u1", "a1", "tm1", "a2", "u2", "a3", "tm2"])
            #expect(before.session.counters.userMessageCount == 2)
            #expect(before.session.counters.toolCallCount == 2)
            #expect(before.session.counters.promptTokens == 4700)
            #expect(before.messages[5].toolCalls.first?.result?.isError == true)
            #expect(!before.session.isProcessing)
            let t2 = try #require(marks["t2"])
            let running = try #require(try await harness.store.session(id, at: .position(t2)))
            #expect(running.isProcessing)
            // By version and by time.
            let created = try #require(try await harness.store.session(id, at: .version(1)))
            #expect(created.counters.totalMessages == 0 && created.version == 1)
            let events = try await harness.store.events(id)
            let rewind = try #require(events.first { $0.type == "session.rewound" })
            let atTime = try #require(try await harness.store.export(id, at: .time(rewind.recordedAt)))
            #expect(atTime.messages.count == 4)
            #expect(try await harness.store.session(id, at: .version(0)) == nil)
            // The audit history keeps who did what.
            #expect(events.count == (try await harness.log.streamVersion(id.rawValue)))
            #expect(events.allSatisfy { $0.actor == "key-1" })
            #expect(rewind.requestID == "rewind")
            #expect(rewind.summary == "rewound to a2, 3 messages removed")
        }
    }

    @Test func deletionDropsTheSessionFromEveryReadButKeepsTheTombstone() async throws {
        try await ProjectionHarness.with { harness in
            let marks = try await Self.runScript(harness)
            _ = try await harness.writer.execute(.delete(DeleteSession(sessionID: Self.sessionID)))
            #expect(try await harness.store.session(Self.sessionID) == nil)
            let u1 = try #require(marks["u1"])
            #expect(try await harness.store.export(Self.sessionID, at: .position(u1)) == nil)
            #expect(try await harness.store.sessions().isEmpty)
            let events = try await harness.store.events(Self.sessionID)
            #expect(events.last?.type == "session.deleted")
            let stats = try await harness.store.stats()
            #expect(stats.sessions == 0 && stats.deletedSessions == 1)
        }
    }

    @Test func exportsRenderAsJSONAndMarkdown() async throws {
        try await ProjectionHarness.with { harness in
            _ = try await Self.runScript(harness)
            let export = try #require(try await harness.store.export(Self.sessionID))
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(export.json())) as? [String: Any])
            #expect(json["id"] as? String == "scripted-1")
            #expect(json["userMessageCount"] as? Int == 2)
            let messages = try #require(json["messages"] as? [[String: Any]])
            #expect(messages.count == 6)
            let calls = try #require(messages[1]["toolCalls"] as? [[String: Any]])
            #expect(calls.first?["result"] as? String == "boom")
            let markdown = export.markdown()
            #expect(markdown.hasPrefix("# Fix the flaky build"))
            #expect(markdown.contains("**Tool call** `Bash` (`t1`)"))
        }
    }
}
