import Foundation
import Sessions
import Testing

/// Mixpeek create, patch, send, quotas and terminate (mixpeek-api.md §3.4, §4.1–4.6, §5).
struct MixpeekTests {
    static func create(_ config: AgentConfigInput? = AgentConfigInput(), quotas: SessionQuotas? = nil) -> SessionCommand
    {
        .createAgentSession(
            CreateAgentSession(sessionID: sid, namespace: "ns_test", agentConfig: config, quotas: quotas)
        )
    }

    static func send(_ content: String?) -> SessionCommand {
        .sendAgentMessage(SendAgentMessage(sessionID: sid, messageID: "m-new", content: content))
    }

    static let createRules: [DecisionRule] = [
        DecisionRule("agent_config missing", given: [], create(nil), invalid("agent_config", "Field required")),
        DecisionRule(
            "temperature below 0",
            given: [],
            create(AgentConfigInput(temperature: -0.1)),
            invalid("agent_config.temperature", "Input should be greater than or equal to 0")
        ),
        DecisionRule(
            "temperature above 2",
            given: [],
            create(AgentConfigInput(temperature: 2.01)),
            invalid("agent_config.temperature", "Input should be less than or equal to 2")
        ),
        DecisionRule(
            "temperature not finite",
            given: [],
            create(AgentConfigInput(temperature: .infinity)),
            invalid("agent_config.temperature", "Input should be a finite number")
        ),
        DecisionRule(
            "max_tokens below 1",
            given: [],
            create(AgentConfigInput(maxTokens: 0)),
            invalid("agent_config.max_tokens", "Input should be greater than or equal to 1")
        ),
        DecisionRule(
            "max_tokens above 100000",
            given: [],
            create(AgentConfigInput(maxTokens: 100_001)),
            invalid("agent_config.max_tokens", "Input should be less than or equal to 100000")
        ),
        DecisionRule(
            "max_messages below 1",
            given: [],
            create(quotas: SessionQuotas(maxMessages: 0)),
            invalid("quotas.max_messages", "Input should be greater than or equal to 1")
        ),
        DecisionRule(
            "max_tokens_total below 1",
            given: [],
            create(quotas: SessionQuotas(maxTokensTotal: -5)),
            invalid("quotas.max_tokens_total", "Input should be greater than or equal to 1")
        ),
        DecisionRule(
            "max_tool_calls below 1",
            given: [],
            create(quotas: SessionQuotas(maxToolCalls: 0)),
            invalid("quotas.max_tool_calls", "Input should be greater than or equal to 1")
        ),
        DecisionRule(
            "max_session_duration_minutes below 1",
            given: [],
            create(quotas: SessionQuotas(maxSessionDurationMinutes: 0)),
            invalid("quotas.max_session_duration_minutes", "Input should be greater than or equal to 1")
        ),
        DecisionRule(
            "rate_limit_messages_per_minute below 1",
            given: [],
            create(quotas: SessionQuotas(rateLimitMessagesPerMinute: 0)),
            invalid("quotas.rate_limit_messages_per_minute", "Input should be greater than or equal to 1")
        ),
        DecisionRule(
            "an existing id conflicts",
            given: [mixpeekCreated()],
            create(),
            .conflict(field: "sessionId", message: "Session with ID 's-1' already exists")
        ),
    ]

    @Test(arguments: createRules)
    func rejectsInvalidCreate(_ rule: DecisionRule) { rule.check() }

    @Test func fillsAgentConfigDefaultsAndExpiresInSevenDays() throws {
        let now = Date(timeIntervalSince1970: 1_767_225_600.75)  // sub-second: expires_at is whole seconds
        let events = try Session.decide(
            .createAgentSession(
                CreateAgentSession(
                    sessionID: sid,
                    namespace: "ns_test",
                    agentConfig: AgentConfigInput(temperature: 0),
                    userID: "u1",
                    userMemory: ["language": .string("en")]
                )
            ),
            state: .initial,
            context: fixedContext(now: now)
        )
        #expect(
            events == [
                .created(
                    SessionCreated(
                        sessionID: sid,
                        namespace: "ns_test",
                        origin: .mixpeek,
                        customSystemPrompt: AgentConfig.defaultSystemPrompt,
                        userID: "u1",
                        agentConfig: AgentConfig(temperature: 0),
                        userMemory: ["language": .string("en")],
                        enableMemory: true,
                        expiresAt: at(7 * 86_400)
                    )
                )
            ]
        )
    }

    @Test func maxSessionDurationShortensTheLifetime() throws {
        let events = try Session.decide(
            Self.create(quotas: SessionQuotas(maxSessionDurationMinutes: 90)),
            state: .initial,
            context: fixedContext()
        )
        guard case .created(let created) = try #require(events.first) else {
            Issue.record("expected session.created")
            return
        }
        #expect(created.expiresAt == at(90 * 60))
        #expect(created.customSystemPrompt == AgentConfig.defaultSystemPrompt)
    }

    static let sendRules: [DecisionRule] = [
        DecisionRule("content missing", given: [mixpeekCreated()], send(nil), invalid("content", "Field required")),
        DecisionRule(
            "content empty",
            given: [mixpeekCreated()],
            send(""),
            invalid("content", "String should have at least 1 character")
        ),
        DecisionRule(
            "content is validated before the session is looked up",
            given: [],
            send(""),
            invalid("content", "String should have at least 1 character")
        ),
        DecisionRule("unknown session", given: [], send("hi"), .sessionNotFound(sid)),
        DecisionRule(
            "expired session is read-only",
            given: [mixpeekCreated(expiresAt: at(60))],
            now: at(60),
            send("hi"),
            .invalidState(status: .archived, message: "invalid state transition: session is archived (read-only)")
        ),
        DecisionRule(
            "terminated session",
            given: [mixpeekCreated(), .terminated(SessionTerminated())],
            send("hi"),
            .invalidState(status: .terminated, message: "invalid state transition: session is terminated")
        ),
        DecisionRule(
            "max_messages reached",
            given: [
                mixpeekCreated(quotas: SessionQuotas(maxMessages: 2)), userMessage("m1", "a"), assistantMessage("m2"),
            ],
            send("hi"),
            .quotaExceeded(quota: "max_messages", message: "Session quota max_messages (2) reached")
        ),
        DecisionRule(
            "max_tokens_total reached",
            given: [
                mixpeekCreated(quotas: SessionQuotas(maxTokensTotal: 100)), userMessage("m1", "a"),
                .messageAppended(
                    MessageAppended(messageID: "m2", role: .assistant, inputTokens: 60, outputTokens: 40)
                ),
            ],
            send("hi"),
            .quotaExceeded(quota: "max_tokens_total", message: "Session quota max_tokens_total (100) reached")
        ),
        DecisionRule(
            "max_tool_calls reached",
            given: [
                mixpeekCreated(quotas: SessionQuotas(maxToolCalls: 1)), userMessage("m1", "a"),
                assistantMessage("m2", calls: [ToolCall(id: "c1", name: "search", input: "{}")], finish: .toolUse),
            ],
            send("hi"),
            .quotaExceeded(quota: "max_tool_calls", message: "Session quota max_tool_calls (1) reached")
        ),
        DecisionRule(
            "rate limit reached within a minute",
            given: [
                mixpeekCreated(quotas: SessionQuotas(rateLimitMessagesPerMinute: 2)), userMessage("m1", "a"),
                userMessage("m2", "b"),
            ],
            now: at(30),
            send("hi"),
            .quotaExceeded(
                quota: "rate_limit_messages_per_minute",
                message: "Rate limit of 2 messages per minute reached"
            )
        ),
    ]

    @Test(arguments: sendRules)
    func rejectsInvalidSend(_ rule: DecisionRule) { rule.check() }

    @Test func rateLimitCountsOnlyTheLastSixtySeconds() throws {
        // m1 at t0+1, m2 at t0+2; at t0+62 only m2 is inside the window (t0+2 > t0+2 is false, so none is).
        let state = Given([
            mixpeekCreated(quotas: SessionQuotas(rateLimitMessagesPerMinute: 2)), userMessage("m1", "a"),
            userMessage("m2", "b"),
        ]).state
        let events = try Session.decide(Self.send("hi"), state: state, context: fixedContext(now: at(61.5)))
        #expect(events.count == 2)
    }

    @Test func sendRecordsTheMessageWithMetadataAndStartsProcessing() throws {
        let state = Given([mixpeekCreated()]).state
        let events = try Session.decide(
            .sendAgentMessage(
                SendAgentMessage(
                    sessionID: sid,
                    messageID: "m1",
                    content: "Find videos",
                    metadata: ["source": .string("web_app")]
                )
            ),
            state: state,
            context: fixedContext()
        )
        #expect(
            events == [
                .messageAppended(
                    MessageAppended(
                        messageID: "m1",
                        role: .user,
                        text: "Find videos",
                        metadata: ["source": .string("web_app")]
                    )
                ),
                .processingStarted(ProcessingStarted(messageID: "m1")),
            ]
        )
    }

    static let memoryRules: [DecisionRule] = [
        DecisionRule(
            "user_memory missing",
            given: [mixpeekCreated()],
            .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: nil)),
            invalid("user_memory", "Field required")
        ),
        DecisionRule(
            "user_memory is validated before the session is looked up",
            given: [],
            .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: nil)),
            invalid("user_memory", "Field required")
        ),
        DecisionRule(
            "unknown session",
            given: [],
            .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: [:])),
            .sessionNotFound(sid)
        ),
        DecisionRule(
            "archived session is read-only",
            given: [mixpeekCreated(), .archived(SessionArchived())],
            .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: [:])),
            .invalidState(status: .archived, message: "invalid state transition: session is archived (read-only)")
        ),
    ]

    @Test(arguments: memoryRules)
    func rejectsInvalidUserMemoryPatch(_ rule: DecisionRule) { rule.check() }

    @Test func patchReplacesTheWholeUserMemory() throws {
        var given = Given([
            .created(
                SessionCreated(
                    sessionID: sid,
                    namespace: "ns",
                    origin: .mixpeek,
                    agentConfig: AgentConfig(),
                    userMemory: ["a": .number(1), "b": .bool(true)]
                )
            )
        ])
        try given.run(
            .updateUserMemory(UpdateUserMemory(sessionID: sid, userMemory: ["c": .array([.null, .string("x")])])),
            at: at(10),
            ids: IDSequence()
        )
        #expect(given.state.userMemory == ["c": .array([.null, .string("x")])])
    }

    @Test func terminateIsIdempotentAndCancelsARunningAgent() throws {
        var given = Given([mixpeekCreated()])
        let ids = IDSequence()
        try given.run(Self.send("hi"), at: at(5), ids: ids)
        let first = try given.run(.terminate(TerminateSession(sessionID: sid)), at: at(6), ids: ids)
        #expect(
            first == [
                .processingCancelled(ProcessingCancelled(reason: "session_terminated")),
                .terminated(SessionTerminated()),
            ]
        )
        #expect(given.state.terminatedAt == at(6))
        let second = try given.run(.terminate(TerminateSession(sessionID: sid)), at: at(7), ids: ids)
        #expect(second.isEmpty)
        #expect(given.state.terminatedAt == at(6))
    }
}
