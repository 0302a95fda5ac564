import Foundation
import Sessions

/// One representative event per wire type, every optional field set where it has one; the examples in
/// docs/events.md are these events' encodings.
enum EventSamples {
    static let all: [SessionEvent] = [
        .created(
            SessionCreated(
                sessionID: "0b5a4c1e-3f9d-4e52-9a39-2f3c7d1e8a10",
                namespace: "default",
                origin: .mix,
                title: "Fix the flaky build",
                customSystemPrompt: "Answer in English.",
                promptMode: .append,
                browserMode: .remoteCDPWebSocket,
                cdpURL: "ws://127.0.0.1:9222/devtools/browser/1",
                sessionType: .main,
                callbacks: [
                    Callback(
                        name: "Notify",
                        toolName: "Bash",
                        type: .bashScript,
                        bashCommand: "echo done",
                        bashTimeout: 120_000
                    )
                ]
            )
        ),
        .created(
            SessionCreated(
                sessionID: "ses_abc123",
                namespace: "ns_xyz",
                origin: .mixpeek,
                customSystemPrompt: "You are a helpful video search assistant.",
                userID: "user_123",
                agentConfig: AgentConfig(
                    model: "claude-sonnet-4-5-20250929",
                    temperature: 0.7,
                    maxTokens: 4096,
                    availableTools: ["search_retrievers", "execute_retriever"]
                ),
                quotas: SessionQuotas(maxMessages: 100, maxTokensTotal: 100_000, maxToolCalls: 50),
                userMemory: ["preferences": .object(["language": .string("en")])],
                metadata: ["source": .string("web_app")],
                enableMemory: true,
                expiresAt: Date(timeIntervalSince1970: 1_767_830_400)
            )
        ),
        .created(
            SessionCreated(
                sessionID: "7d1f0c2a-5b6e-4c3d-8e9f-0a1b2c3d4e5f",
                namespace: "default",
                origin: .native,
                title: "Callback: Bash",
                sessionType: .subagent,
                subagentType: "general-purpose",
                parentSessionID: "0b5a4c1e-3f9d-4e52-9a39-2f3c7d1e8a10",
                parentToolCallID: "toolu_01"
            )
        ),
        .created(
            SessionCreated(
                sessionID: "5e8a2f10-7c4b-4d9e-a1f3-6b2c8d0e4f17",
                namespace: "default",
                origin: .mix,
                title: "Fix the flaky build",
                forkedFrom: ForkOrigin(
                    sessionID: "0b5a4c1e-3f9d-4e52-9a39-2f3c7d1e8a10", position: 42, messageID: "msg-asst-1")
            )
        ),
        .created(
            SessionCreated(
                sessionID: "adk-7f3e",
                namespace: "default",
                origin: .native,
                userID: "user-1",
                appName: "weather_agent"
            )
        ),
        .titleChanged(SessionTitleChanged(title: "Flaky build: retry network tests")),
        .messageAppended(
            MessageAppended(
                messageID: "msg-user-1",
                role: .user,
                text: "Why does the build fail on CI only?",
                metadata: ["client": .string("cli")]
            )
        ),
        .messageAppended(
            MessageAppended(
                messageID: "msg-asst-1",
                role: .assistant,
                text: "Let me look at the CI log.",
                reasoning: "The failure is likely environmental.",
                reasoningDurationMs: 1800,
                model: "claude-sonnet-4-5-20250929",
                finishReason: .toolUse,
                inputTokens: 1200,
                outputTokens: 85,
                cacheCreationTokens: 300,
                cacheReadTokens: 0,
                cost: 0.0049,
                latencyMs: 2310.5,
                toolCalls: [
                    ToolCall(id: "toolu_01", name: "Bash", input: #"{"command":"cat ci.log"}"#, type: "tool_use")
                ]
            )
        ),
        .messageAppended(
            MessageAppended(
                messageID: "item-2",
                role: .assistant,
                inputTokens: 52,
                outputTokens: 12,
                toolCalls: [ToolCall(id: "item-2.0", name: "get_weather", input: #"{"city":"Paris"}"#)],
                item: .object([
                    "type": .string("function_call"), "call_id": .string("call_1"), "name": .string("get_weather"),
                    "arguments": .string(#"{"city":"Paris"}"#),
                ])
            )
        ),
        // The first sample as a fork copied it into a new session.
        .messageAppended(
            MessageAppended(
                messageID: "msg-user-1",
                role: .user,
                text: "Why does the build fail on CI only?",
                metadata: ["client": .string("cli")],
                copiedFrom: "0b5a4c1e-3f9d-4e52-9a39-2f3c7d1e8a10"
            )
        ),
        .toolResultRecorded(
            ToolResultRecorded(
                toolCallID: "toolu_01",
                messageID: "msg-tool-1",
                result: "error: connection reset",
                metadata: #"{"exitCode":1}"#,
                isError: true,
                screenshotURLs: ["https://files.example/s1.png"],
                finished: true
            )
        ),
        .callbackResultRecorded(
            CallbackResultRecorded(
                messageID: "msg-tool-2",
                toolCallID: "toolu_01",
                toolName: "Bash",
                callbackName: "Notify",
                callbackType: .bashScript,
                stdout: "done\n",
                stderr: "",
                exitCode: 0,
                success: true,
                excludeFromContext: false
            )
        ),
        .callbacksReplaced(
            CallbacksReplaced(callbacks: [
                Callback(toolName: "*", type: .sendMessage, messageContent: "Summarise the result."),
                Callback(
                    toolName: "Show",
                    type: .subAgent,
                    subAgentPrompt: "Review the output.",
                    subAgentType: "general-purpose"
                ),
            ])
        ),
        .userMemoryUpdated(
            UserMemoryUpdated(userMemory: [
                "preferences": .object(["language": .string("es"), "domain": .string("science")]),
                "favorite_topics": .array([.string("AI"), .string("robotics")]), "visits": .number(3),
            ])
        ),
        .rewound(
            SessionRewound(
                toMessageID: "msg-asst-1",
                removedMessageIDs: ["msg-tool-1", "msg-tool-2"],
                cleanupMedia: true
            )
        ),
        .processingStarted(
            ProcessingStarted(messageID: "msg-user-1", planMode: false, thinkingLevel: .medium, maxSteps: 20)
        ),
        .processingCancelled(ProcessingCancelled(reason: "user_api_cancellation")),
        .processingFinished(ProcessingFinished(finishReason: .endTurn)),
        .archived(SessionArchived(reason: "retention policy")),
        .terminated(SessionTerminated()),
        .fileAdded(
            FileAdded(
                fileID: "file-1",
                name: "screenshot.png",
                mediaType: "image/png",
                byteCount: 48_213,
                sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            )
        ),
        .fileRemoved(FileRemoved(fileID: "file-1", reason: .rewindCleanup)),
        .deleted(SessionDeleted(sessionID: "0b5a4c1e-3f9d-4e52-9a39-2f3c7d1e8a10", namespace: "default")),
        .erased(EventErased(erasedType: "message.appended", erasedSchemaVersion: 1)),
        .forked(
            SessionForked(
                forkSessionID: "5e8a2f10-7c4b-4d9e-a1f3-6b2c8d0e4f17", position: 42, messageID: "msg-asst-1",
                messageCount: 3)),
        .messagesRemoved(MessagesRemoved(removedMessageIDs: ["item-2"], reason: .pop)),
        .stateUpdated(
            StateUpdated(delta: ["app:units": .string("metric"), "user:city": .string("Paris"), "turns": .number(2)])
        ),
    ]

    /// The sample whose encoding docs/events.md shows for each type: the first of that type.
    static var firstOfEachType: [SessionEvent] {
        var seen: Set<EventType> = []
        return all.filter { seen.insert($0.eventType).inserted }
    }
}
