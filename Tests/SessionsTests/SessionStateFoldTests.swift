import Foundation
import Sessions
import Testing

/// The fold of a scripted session — 3 turns, 2 tool calls, one rewind, one cancel — with every counter
/// checked against hand-computed values.
struct SessionStateFoldTests {
    /// Runs the script through `decide` and the fold, one command per second from `t0`.
    static func scriptedSession() throws -> Given {
        var given = Given()
        let ids = IDSequence()
        var clock = 0.0
        func run(_ command: SessionCommand) throws {
            try given.run(command, at: at(clock), ids: ids)
            clock += 1
        }
        func assistant(
            _ id: MessageID,
            input: Int,
            output: Int,
            cacheCreation: Int = 0,
            cacheRead: Int = 0,
            cost: Double,
            latency: Double,
            finish: FinishReason,
            calls: [ToolCall] = []
        ) -> SessionCommand {
            .appendMessage(
                AppendMessage(
                    sessionID: sid,
                    messageID: id,
                    role: .assistant,
                    text: "…",
                    model: "claude-sonnet-4-5",
                    finishReason: finish,
                    inputTokens: input,
                    outputTokens: output,
                    cacheCreationTokens: cacheCreation,
                    cacheReadTokens: cacheRead,
                    cost: cost,
                    latencyMs: latency,
                    toolCalls: calls
                )
            )
        }

        try run(MixCreateTests.create())
        // Turn 1: a tool call and its result, then the final answer.
        try run(.sendUserMessage(SendUserMessage(sessionID: sid, messageID: "m1", text: "List the files")))
        try run(
            assistant(
                "m2",
                input: 100,
                output: 20,
                cacheCreation: 10,
                cost: 0.01,
                latency: 800,
                finish: .toolUse,
                calls: [ToolCall(id: "c1", name: "Bash", input: #"{"command":"ls"}"#)]
            )
        )
        try run(.recordToolResult(RecordToolResult(sessionID: sid, toolCallID: "c1", messageID: "m3", result: "a.txt")))
        try run(assistant("m4", input: 150, output: 40, cacheRead: 50, cost: 0.02, latency: 1200, finish: .endTurn))
        // Turn 2: a tool call, its result and a callback, then the user cancels; the cut-off answer follows.
        try run(.sendUserMessage(SendUserMessage(sessionID: sid, messageID: "m5", text: "Read the README")))
        try run(
            assistant(
                "m6",
                input: 200,
                output: 30,
                cost: 0.03,
                latency: 1000,
                finish: .toolUse,
                calls: [ToolCall(id: "c2", name: "Read", input: #"{"path":"README.md"}"#)]
            )
        )
        try run(
            .recordToolResult(RecordToolResult(sessionID: sid, toolCallID: "c2", messageID: "m7", result: "# Readme"))
        )
        try run(
            .recordCallbackResult(
                RecordCallbackResult(
                    sessionID: sid,
                    messageID: "m8",
                    toolCallID: "c2",
                    toolName: "Read",
                    callbackType: .bashScript,
                    stdout: "ok",
                    exitCode: 0,
                    success: true
                )
            )
        )
        try run(.cancelProcessing(CancelProcessing(sessionID: sid)))
        try run(assistant("m9", input: 50, output: 5, cost: 0.005, latency: 400, finish: .canceled))
        // The user rewinds to the end of turn 1, removing m5…m9.
        try run(.rewind(RewindSession(sessionID: sid, messageID: "m4")))
        // Turn 3.
        try run(.sendUserMessage(SendUserMessage(sessionID: sid, messageID: "m10", text: "Summarise")))
        try run(assistant("m11", input: 120, output: 60, cost: 0.015, latency: 600, finish: .endTurn))
        return given
    }

    @Test func countersMatchTheHandComputedValues() throws {
        let state = try Self.scriptedSession().state
        let counters = state.counters
        // Live after the rewind: m1 user, m2 assistant, m3 tool, m4 assistant, m10 user, m11 assistant.
        #expect(counters.userMessageCount == 2)  // m1, m10 (m5 removed)
        #expect(counters.assistantMessageCount == 3)  // m2, m4, m11 (m6, m9 removed)
        #expect(counters.toolCallCount == 1)  // m3 (tool message m7 and callback message m8 removed)
        #expect(counters.messageCount == 6)
        // Tokens and cost are never rolled back, so removed m6 and m9 still count:
        // promptTokens = Σ input + cacheCreation = (100+10) + 150 + 200 + 50 + 120 = 630
        #expect(counters.promptTokens == 630)
        // completionTokens = Σ output + cacheRead = 20 + (40+50) + 30 + 5 + 60 = 205
        #expect(counters.completionTokens == 205)
        // cost = 0.01 + 0.02 + 0.03 + 0.005 + 0.015 = 0.08
        #expect(abs(counters.cost - 0.08) < 1e-12)
        // Mixpeek stats are usage, removed messages included:
        #expect(counters.totalMessages == 11)  // m1 … m11
        #expect(counters.totalToolCalls == 2)  // c1, c2
        #expect(counters.totalTokens == 835)  // 630 + 205
        #expect(counters.averageLatencyMs == 800)  // (800 + 1200 + 1000 + 400 + 600) / 5
        #expect(state.firstUserMessage == "List the files")
    }

    @Test func theTranscriptKeepsRemovedMessagesAndJoinsToolResults() throws {
        let state = try Self.scriptedSession().state
        #expect(state.transcript.map(\.id.rawValue) == (1...11).map { "m\($0)" })
        #expect(state.transcript.filter(\.isRemoved).map(\.id) == ["m5", "m6", "m7", "m8", "m9"])
        #expect(state.liveMessages.map(\.id) == ["m1", "m2", "m3", "m4", "m10", "m11"])
        #expect(state.transcript.filter(\.isRemoved).allSatisfy { $0.removedVersion == 18 && $0.removedAt == at(11) })
        #expect(state.toolCall("c1")?.result?.result == "a.txt")
        #expect(state.toolCall("c2")?.result?.messageID == "m7")  // still joined, inside removed messages
        #expect(state.message("m8")?.callbackResults.first?.stdout == "ok")
    }

    @Test func lifecycleFieldsFollowTheRun() throws {
        let state = try Self.scriptedSession().state
        // Events: 1 created; turn 1: 2 + 1 + 2 + 2 (m4 also finishes the run); turn 2: 2 + 1 + 2 + 2 + 1 + 1
        // (m9 arrives after the cancel, so no processing.finished); rewind 1; turn 3: 2 + 2. Total 22.
        #expect(state.version == 22)
        #expect(!state.isProcessing)
        #expect(state.createdAt == t0)
        #expect(state.lastActivityAt == at(13))
        #expect(state.updatedAt == at(13))
        #expect(state.title == "Fix the build")
    }

    @Test func foldingTheEncodedLogGivesTheSameState() throws {
        let given = try Self.scriptedSession()
        var replayed = SessionState.initial
        for (index, (event, time)) in zip(given.events, given.times).enumerated() {
            let encoded = try event.encoded()
            let decoded = try SessionEvent.decode(
                type: encoded.type,
                schemaVersion: encoded.schemaVersion,
                body: encoded.body
            )
            replayed.apply(decoded, version: UInt64(index + 1), recordedAt: time)
        }
        #expect(replayed == given.state)
    }

    /// A fold without the messages' contents (the writer's cache, decision 0156) keeps everything but the transcript:
    /// the same facts of every message, counters, files, run flags and times, and no text.
    @Test func aFoldWithoutContentKeepsEverythingButTheTranscript() throws {
        let given = try Self.scriptedSession()
        let lean = given.withoutContent, full = given.state
        #expect(lean.transcript.isEmpty && !lean.keepsContent && full.keepsContent)
        #expect(lean.messageFacts == full.messageFacts)
        #expect(lean.messageFacts.map(\.id) == full.transcript.map(\.id))
        #expect(lean.messageFacts.map(\.isRemoved) == full.transcript.map(\.isRemoved))
        #expect(lean.messageFacts.map(\.appendedAt) == full.transcript.map(\.appendedAt))
        #expect(lean.messageFacts.map(\.appendedVersion) == full.transcript.map(\.appendedVersion))
        #expect(lean.messageFacts.map(\.hasItem) == full.transcript.map { $0.appended.item != nil })
        #expect(lean.counters == full.counters && lean.version == full.version && lean.files == full.files)
        #expect(lean.isToolCallFinished("c1") == (full.toolCall("c1")?.isFinished == true))
        #expect(lean.isToolCallFinished("c2") == (full.toolCall("c2")?.isFinished == true))
        #expect(lean.hasToolCall("c1") && !lean.hasToolCall("c3"))
        #expect(lean.message("m1") == nil && lean.toolCall("c1") == nil && lean.firstUserMessage == nil)
        #expect(lean.id == full.id && lean.namespace == full.namespace && lean.title == full.title)
        #expect(lean.callbacks == full.callbacks && lean.state == full.state && lean.quotas == full.quotas)
        #expect(lean.firstUserMessageID == full.firstUserMessageID && lean.isProcessing == full.isProcessing)
        #expect(lean.createdAt == full.createdAt && lean.updatedAt == full.updatedAt)
        #expect(lean.lastActivityAt == full.lastActivityAt && lean.archivedAt == full.archivedAt)
    }
}
