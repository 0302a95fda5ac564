import Foundation
import Sessions
import Testing

/// What the agent runtime records through the native API: messages, tool and callback results, titles,
/// sub-agent sessions and files.
struct RuntimeRecordingTests {
    static func append(
        _ role: MessageRole,
        id: MessageID = "m-new",
        text: String? = "x",
        inputTokens: Int? = nil,
        cost: Double? = nil,
        latencyMs: Double? = nil,
        reasoningMs: Int? = nil,
        calls: [ToolCall] = []
    ) -> SessionCommand {
        .appendMessage(
            AppendMessage(
                sessionID: sid,
                messageID: id,
                role: role,
                text: text,
                reasoningDurationMs: reasoningMs,
                inputTokens: inputTokens,
                cost: cost,
                latencyMs: latencyMs,
                toolCalls: calls
            )
        )
    }

    static let bash = ToolCall(id: "c1", name: "Bash", input: #"{"command":"ls"}"#)
    /// created, m1 user, m2 assistant calling c1.
    static let withCall: [SessionEvent] = [
        mixCreated, userMessage("m1", "list"), assistantMessage("m2", calls: [bash], finish: .toolUse),
    ]

    static func result(_ call: ToolCallID, message: MessageID? = nil, urls: [String] = []) -> SessionCommand {
        .recordToolResult(
            RecordToolResult(sessionID: sid, toolCallID: call, messageID: message, result: "a\nb", screenshotURLs: urls)
        )
    }

    static let appendRules: [DecisionRule] = [
        DecisionRule(
            "user message without text",
            append(.user, text: nil),
            invalid("text", "message content is required")
        ),
        DecisionRule(
            "user message with empty text",
            append(.user, text: ""),
            invalid("text", "message content is required")
        ),
        DecisionRule(
            "tokens on a user message",
            append(.user, inputTokens: 3),
            invalid("inputTokens", "inputTokens can only be set on assistant messages")
        ),
        DecisionRule(
            "cost on a tool message",
            append(.tool, cost: 0.1),
            invalid("cost", "cost can only be set on assistant messages")
        ),
        DecisionRule(
            "tool calls on a tool message",
            append(.tool, calls: [bash]),
            invalid("toolCalls", "toolCalls can only be set on assistant messages")
        ),
        DecisionRule(
            "negative tokens",
            append(.assistant, inputTokens: -1),
            invalid("inputTokens", "inputTokens must be greater than or equal to 0")
        ),
        DecisionRule(
            "tokens past what a message can report (their sum would overflow the session's counters)",
            append(.assistant, inputTokens: Int.max),
            invalid("inputTokens", "inputTokens must be at most 1000000000000")
        ),
        DecisionRule(
            "a cost past what a message can report",
            append(.assistant, cost: 1e300),
            invalid("cost", "cost must be at most 1000000000000")
        ),
        DecisionRule(
            "negative reasoning duration",
            append(.assistant, reasoningMs: -1),
            invalid("reasoningDurationMs", "reasoningDurationMs must be greater than or equal to 0")
        ),
        DecisionRule(
            "non-finite cost",
            append(.assistant, cost: .nan),
            invalid("cost", "cost must be a finite number")
        ),
        DecisionRule(
            "negative latency",
            append(.assistant, latencyMs: -0.5),
            invalid("latencyMs", "latencyMs must be greater than or equal to 0")
        ),
        DecisionRule(
            "tool call without a name",
            append(.assistant, calls: [ToolCall(id: "c9", name: "", input: "{}")]),
            invalid("toolCalls[0].name", "tool call name is required")
        ),
        DecisionRule(
            "tool call id used twice in one message",
            append(.assistant, calls: [bash, bash]),
            .conflict(field: "toolCalls[1].id", message: "Tool call with ID 'c1' already exists")
        ),
        DecisionRule(
            "tool call id used earlier in the session",
            given: withCall,
            append(.assistant, calls: [bash]),
            .conflict(field: "toolCalls[0].id", message: "Tool call with ID 'c1' already exists")
        ),
        DecisionRule(
            "message id in use",
            given: withCall,
            append(.assistant, id: "m2"),
            .conflict(field: "messageId", message: "Message with ID 'm2' already exists")
        ),
        DecisionRule(
            "terminated session",
            given: [mixCreated, .terminated(SessionTerminated())],
            append(.assistant),
            .invalidState(status: .terminated, message: "invalid state transition: session is terminated")
        ),
    ]

    @Test(arguments: appendRules)
    func rejectsInvalidMessages(_ rule: DecisionRule) { rule.check() }

    /// Events stored before decide capped them (or written by another tool) must still fold: the counters hold at
    /// their greatest value instead of trapping, which would stop every replay of the log for good.
    @Test func countersOfHugeStoredTokensHoldInsteadOfTrapping() {
        var state = SessionState()
        state.apply(mixCreated, version: 1, recordedAt: Date(timeIntervalSince1970: 1))
        for version in UInt64(2)...3 {
            state.apply(
                .messageAppended(
                    MessageAppended(
                        messageID: MessageID(rawValue: "m\(version)")!, role: .assistant, inputTokens: Int.max,
                        outputTokens: Int.max, cacheCreationTokens: Int.max)),
                version: version, recordedAt: Date(timeIntervalSince1970: Double(version)))
        }
        #expect(state.counters.promptTokens == Int.max)
        #expect(state.counters.completionTokens == Int.max)
        #expect(state.counters.totalTokens == Int.max)
    }

    @Test func aFinalAssistantMessageEndsTheRun() throws {
        var given = Given([mixCreated])
        let ids = IDSequence()
        try given.run(.sendUserMessage(SendUserMessage(sessionID: sid, text: "hi")), at: at(1), ids: ids)
        let step = try given.run(
            .appendMessage(AppendMessage(sessionID: sid, role: .assistant, finishReason: .toolUse)),
            at: at(2),
            ids: ids
        )
        #expect(step.count == 1)
        #expect(given.state.isProcessing)
        let final = try given.run(
            .appendMessage(AppendMessage(sessionID: sid, role: .assistant, text: "done", finishReason: .endTurn)),
            at: at(3),
            ids: ids
        )
        #expect(final.last == .processingFinished(ProcessingFinished(finishReason: .endTurn)))
        #expect(!given.state.isProcessing)
    }

    static let resultRules: [DecisionRule] = [
        DecisionRule("unknown tool call", given: withCall, result("c9"), .toolCallNotFound("c9")),
        DecisionRule(
            "finished result recorded twice",
            given: withCall + [
                .messageAppended(MessageAppended(messageID: "t1", role: .tool)),
                .toolResultRecorded(ToolResultRecorded(toolCallID: "c1", messageID: "t1", result: "ok")),
            ],
            result("c1"),
            .conflict(field: "toolCallId", message: "Tool call with ID 'c1' already has a result")
        ),
        DecisionRule(
            "carrying message is not a tool message",
            given: withCall,
            result("c1", message: "m1"),
            invalid("messageId", "Message with ID 'm1' is not a tool message")
        ),
        DecisionRule(
            "empty screenshot URL",
            given: withCall,
            result("c1", urls: ["https://x/1.png", ""]),
            invalid("screenshotUrls[1]", "screenshot URL must not be empty")
        ),
        DecisionRule(
            "callback without a tool name",
            given: withCall,
            .recordCallbackResult(
                RecordCallbackResult(
                    sessionID: sid,
                    toolCallID: "c1",
                    toolName: "",
                    callbackType: .bashScript,
                    success: true
                )
            ),
            invalid("toolName", "toolName is required")
        ),
        DecisionRule(
            "callback for an unknown call",
            given: withCall,
            .recordCallbackResult(
                RecordCallbackResult(
                    sessionID: sid,
                    toolCallID: "c7",
                    toolName: "Bash",
                    callbackType: .bashScript,
                    success: true
                )
            ),
            .toolCallNotFound("c7")
        ),
        DecisionRule(
            "negative sub-agent cost",
            given: withCall,
            .recordCallbackResult(
                RecordCallbackResult(
                    sessionID: sid,
                    toolCallID: "c1",
                    toolName: "Bash",
                    callbackType: .subAgent,
                    success: true,
                    subagentCost: -1
                )
            ),
            invalid("subagentCost", "subagentCost must be greater than or equal to 0")
        ),
    ]

    @Test(arguments: resultRules)
    func rejectsInvalidResults(_ rule: DecisionRule) { rule.check() }

    @Test func resultsOfOneStepShareOneToolMessageAndJoinTheirCalls() throws {
        let calls = [Self.bash, ToolCall(id: "c2", name: "Read", input: #"{"path":"README.md"}"#)]
        var given = Given([mixCreated, userMessage("m1", "go"), assistantMessage("m2", calls: calls, finish: .toolUse)])
        let ids = IDSequence()
        let first = try given.run(Self.result("c1"), at: at(10), ids: ids)
        #expect(
            first == [
                .messageAppended(MessageAppended(messageID: "id-1", role: .tool)),
                .toolResultRecorded(ToolResultRecorded(toolCallID: "c1", messageID: "id-1", result: "a\nb")),
            ]
        )
        let second = try given.run(Self.result("c2", message: "id-1"), at: at(11), ids: ids)
        #expect(second.count == 1)
        let state = given.state
        #expect(state.message("id-1")?.resultToolCallIDs == ["c1", "c2"])
        #expect(state.message("m2")?.toolCalls.map(\.isFinished) == [true, true])
        #expect(state.toolCall("c2")?.result?.messageID == "id-1")
        #expect(state.counters.toolCallCount == 1)  // one tool message for the step
    }

    @Test func aPartialResultMayBeReplaced() throws {
        var given = Given(Self.withCall)
        let ids = IDSequence()
        try given.run(
            .recordToolResult(
                RecordToolResult(sessionID: sid, toolCallID: "c1", messageID: "t1", result: "half", finished: false)
            ),
            at: at(5),
            ids: ids
        )
        try given.run(
            .recordToolResult(RecordToolResult(sessionID: sid, toolCallID: "c1", messageID: "t1", result: "all")),
            at: at(6),
            ids: ids
        )
        #expect(given.state.toolCall("c1")?.result?.result == "all")
        #expect(given.state.message("t1")?.resultToolCallIDs == ["c1"])
    }

    @Test func aCallbackResultGetsItsOwnToolMessageAndAddsSubagentCost() throws {
        var given = Given(Self.withCall)
        let events = try given.run(
            .recordCallbackResult(
                RecordCallbackResult(
                    sessionID: sid,
                    messageID: "cb1",
                    toolCallID: "c1",
                    toolName: "Bash",
                    callbackName: "",
                    callbackType: .subAgent,
                    subagentID: "s-sub",
                    subagentResult: "fine",
                    success: true,
                    subagentCost: 0.25
                )
            ),
            at: at(5),
            ids: IDSequence()
        )
        #expect(events.first == .messageAppended(MessageAppended(messageID: "cb1", role: .tool)))
        #expect(given.state.message("cb1")?.callbackResults.first?.subagentID == "s-sub")
        #expect(given.state.message("cb1")?.callbackResults.first?.callbackName == nil)
        #expect(given.state.counters.toolCallCount == 1)
        #expect(given.state.counters.cost == 0.25)
    }

    @Test func renameChangesTheTitleOnceAndRejectsAnEmptyOne() throws {
        let state = Given([mixCreated]).state
        #expect(
            try Session.decide(
                .rename(RenameSession(sessionID: sid, title: "New")),
                state: state,
                context: fixedContext()
            )
                == [.titleChanged(SessionTitleChanged(title: "New"))]
        )
        #expect(
            try Session.decide(
                .rename(RenameSession(sessionID: sid, title: "Fix the build")),
                state: state,
                context: fixedContext()
            ).isEmpty
        )
        expectError(invalid("title", "title is required")) { () throws(SessionError) in
            _ = try Session.decide(
                .rename(RenameSession(sessionID: sid, title: "")),
                state: state,
                context: fixedContext()
            )
        }
    }

    static let subagentRules: [DecisionRule] = [
        DecisionRule(
            "title missing",
            given: [],
            .createSubagentSession(
                CreateSubagentSession(sessionID: "s-2", namespace: "default", title: nil, parentSessionID: sid)
            ),
            invalid("title", "title is required")
        ),
        DecisionRule(
            "parent missing",
            given: [],
            .createSubagentSession(
                CreateSubagentSession(
                    sessionID: "s-2",
                    namespace: "default",
                    title: "Callback: Bash",
                    parentSessionID: nil
                )
            ),
            invalid("parentSessionId", "parentSessionId is required")
        ),
        DecisionRule(
            "unknown subagent type",
            given: [],
            .createSubagentSession(
                CreateSubagentSession(
                    sessionID: "s-2",
                    namespace: "default",
                    title: "t",
                    parentSessionID: sid,
                    subagentType: "explorer"
                )
            ),
            invalid("subagentType", "subagentType must be 'general-purpose'")
        ),
        DecisionRule(
            "namespace missing",
            given: [],
            .createSubagentSession(
                CreateSubagentSession(sessionID: "s-2", namespace: "", title: "t", parentSessionID: sid)
            ),
            invalid("namespace", "namespace is required")
        ),
    ]

    @Test(arguments: subagentRules)
    func rejectsInvalidSubagentSessions(_ rule: DecisionRule) { rule.check() }

    @Test func createsASubagentSessionUnderItsParent() throws {
        let events = try Session.decide(
            .createSubagentSession(
                CreateSubagentSession(
                    sessionID: "s-2",
                    namespace: "default",
                    title: "Callback: Bash",
                    parentSessionID: sid,
                    parentToolCallID: "c1"
                )
            ),
            state: .initial,
            context: fixedContext()
        )
        #expect(
            events == [
                .created(
                    SessionCreated(
                        sessionID: "s-2",
                        namespace: "default",
                        origin: .native,
                        title: "Callback: Bash",
                        sessionType: .subagent,
                        subagentType: "general-purpose",
                        parentSessionID: sid,
                        parentToolCallID: "c1"
                    )
                )
            ]
        )
    }

    static let fileRules: [DecisionRule] = [
        DecisionRule(
            "name missing",
            .addFile(AddFile(sessionID: sid, fileID: "f1", name: "")),
            invalid("name", "name is required")
        ),
        DecisionRule(
            "negative size",
            .addFile(AddFile(sessionID: sid, fileID: "f1", name: "a", byteCount: -1)),
            invalid("byteCount", "byteCount must be greater than or equal to 0")
        ),
        DecisionRule(
            "malformed sha256",
            .addFile(AddFile(sessionID: sid, fileID: "f1", name: "a", sha256: "ABC")),
            invalid("sha256", "sha256 must be 64 lowercase hexadecimal digits")
        ),
        DecisionRule(
            "file id in use",
            given: [mixCreated, .fileAdded(FileAdded(fileID: "f1", name: "a"))],
            .addFile(AddFile(sessionID: sid, fileID: "f1", name: "b")),
            .conflict(field: "fileId", message: "File with ID 'f1' already exists")
        ),
        DecisionRule(
            "name with a directory",
            .addFile(AddFile(sessionID: sid, fileID: "f1", name: "../etc/passwd")),
            invalid("name", "invalid filename: must be a file name without a directory")
        ),
        DecisionRule(
            "dot-dot name",
            .addFile(AddFile(sessionID: sid, fileID: "f1", name: "..")),
            invalid("name", "invalid filename: must be a file name without a directory")
        ),
        DecisionRule(
            "remove an unknown file",
            .removeFile(RemoveFile(sessionID: sid, fileID: "f9")),
            .fileNotFound("f9")
        ),
    ]

    @Test(arguments: fileRules)
    func rejectsInvalidFiles(_ rule: DecisionRule) { rule.check() }

    @Test func filesAreAddedAndRemoved() throws {
        var given = Given([mixCreated])
        let ids = IDSequence()
        let digest = String(repeating: "ab", count: 32)
        try given.run(
            .addFile(AddFile(sessionID: sid, name: "shot.png", mediaType: "image/png", byteCount: 42, sha256: digest)),
            at: at(1),
            ids: ids
        )
        #expect(given.state.files.map(\.id) == ["id-1"])
        #expect(given.state.file("id-1")?.added.sha256 == digest)
        try given.run(.removeFile(RemoveFile(sessionID: sid, fileID: "id-1")), at: at(2), ids: ids)
        #expect(given.state.files.isEmpty)
    }

    @Test func addingAFileOfTheSameNameReplacesIt() throws {
        var given = Given([mixCreated, .fileAdded(FileAdded(fileID: "f1", name: "notes.txt", byteCount: 3))])
        let events = try given.run(
            .addFile(AddFile(sessionID: sid, fileID: "f2", name: "notes.txt", byteCount: 5)), at: at(1), ids: IDSequence())
        #expect(
            events == [
                .fileRemoved(FileRemoved(fileID: "f1", reason: .replaced)),
                .fileAdded(FileAdded(fileID: "f2", name: "notes.txt", byteCount: 5)),
            ])
        #expect(given.state.files.map(\.id) == ["f2"])
    }
}
