import Foundation

extension Session {
    /// Mix send (mix-api.md §2.9): text, then thinking_level, then the session (decision (d): 404), then the
    /// session's status and quotas. Records the user message and starts processing. There is no busy check:
    /// a send during a run starts another one, as in Mix.
    static func decideSendUserMessage(
        _ command: SendUserMessage,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        guard let text = command.text, !text.isEmpty else {
            throw .validation(field: "content", message: "message content is required")
        }
        var thinkingLevel: ThinkingLevel?
        if let raw = command.thinkingLevel {
            guard let level = ThinkingLevel(rawValue: raw) else {
                throw .validation(field: "thinking_level", message: "must be one of: off, basic, medium, maximum")
            }
            thinkingLevel = level
        }
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        try state.checkQuotasBeforeSend(now: context.now)
        let id: MessageID = try newID(command.messageID, field: "messageId", context: context)
        try requireNewMessage(id, in: state)
        return [
            .messageAppended(MessageAppended(messageID: id, role: .user, text: text)),
            .processingStarted(
                ProcessingStarted(
                    messageID: id,
                    planMode: command.planMode,
                    thinkingLevel: thinkingLevel,
                    maxSteps: command.maxSteps
                )
            ),
        ]
    }

    /// Mixpeek send (mixpeek-api.md §4.6): `content` at least one character (a 422 before the session is
    /// looked up, as FastAPI validates the body first), then the session, its status and its quotas.
    static func decideSendAgentMessage(
        _ command: SendAgentMessage,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        guard let content = command.content else { throw .validation(field: "content", message: "Field required") }
        guard !content.isEmpty else {
            throw .validation(field: "content", message: "String should have at least 1 character")
        }
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        try state.checkQuotasBeforeSend(now: context.now)
        let id: MessageID = try newID(command.messageID, field: "message_id", context: context)
        try requireNewMessage(id, in: state)
        return [
            .messageAppended(MessageAppended(messageID: id, role: .user, text: content, metadata: command.metadata)),
            .processingStarted(ProcessingStarted(messageID: id)),
        ]
    }

    /// A message the runtime recorded. Usage (tokens, cost, latency) and tool calls belong to assistant
    /// messages; a user message needs text. A final assistant message during a run ends the run.
    static func decideAppendMessage(
        _ command: AppendMessage,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        if command.role == .user, (command.text ?? "").isEmpty, command.item == nil {
            throw .validation(field: "text", message: "message content is required")
        }
        if command.role != .assistant {
            let assistantOnly: [(String, Bool)] = [
                ("inputTokens", command.inputTokens != nil), ("outputTokens", command.outputTokens != nil),
                ("cacheCreationTokens", command.cacheCreationTokens != nil),
                ("cacheReadTokens", command.cacheReadTokens != nil), ("cost", command.cost != nil),
                ("latencyMs", command.latencyMs != nil), ("toolCalls", !command.toolCalls.isEmpty),
            ]
            if let (field, _) = assistantOnly.first(where: { $0.1 }) {
                throw .validation(field: field, message: "\(field) can only be set on assistant messages")
            }
        }
        try requireNonNegative("reasoningDurationMs", command.reasoningDurationMs)
        try requireNonNegative("inputTokens", command.inputTokens)
        try requireNonNegative("outputTokens", command.outputTokens)
        try requireNonNegative("cacheCreationTokens", command.cacheCreationTokens)
        try requireNonNegative("cacheReadTokens", command.cacheReadTokens)
        try requireNonNegative("cost", command.cost)
        try requireNonNegative("latencyMs", command.latencyMs)
        var seen: Set<ToolCallID> = []
        for (index, call) in command.toolCalls.enumerated() {
            guard !call.name.isEmpty else {
                throw .validation(field: "toolCalls[\(index)].name", message: "tool call name is required")
            }
            guard !state.hasToolCall(call.id), seen.insert(call.id).inserted else {
                throw .conflict(
                    field: "toolCalls[\(index)].id",
                    message: "Tool call with ID '\(call.id)' already exists"
                )
            }
        }
        let id: MessageID = try newID(command.messageID, field: "messageId", context: context)
        try requireNewMessage(id, in: state)
        var events: [SessionEvent] = [
            .messageAppended(
                MessageAppended(
                    messageID: id,
                    role: command.role,
                    text: command.text,
                    reasoning: command.reasoning,
                    reasoningDurationMs: command.reasoningDurationMs,
                    model: command.model,
                    finishReason: command.finishReason,
                    inputTokens: command.inputTokens,
                    outputTokens: command.outputTokens,
                    cacheCreationTokens: command.cacheCreationTokens,
                    cacheReadTokens: command.cacheReadTokens,
                    cost: command.cost,
                    latencyMs: command.latencyMs,
                    toolCalls: command.toolCalls,
                    metadata: command.metadata,
                    item: command.item
                )
            )
        ]
        if command.role == .assistant, state.isProcessing, let reason = command.finishReason, reason.endsRun {
            events.append(.processingFinished(ProcessingFinished(finishReason: reason)))
        }
        return events
    }

    /// A new title; the same title appends nothing.
    static func decideRename(
        _ command: RenameSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        guard let title = command.title, !title.isEmpty else {
            throw .validation(field: "title", message: "title is required")
        }
        return title == state.title ? [] : [.titleChanged(SessionTitleChanged(title: title))]
    }

    static func requireNewMessage(_ id: MessageID, in state: SessionState) throws(SessionError) {
        guard state.messageFacts(id) == nil else {
            throw .conflict(field: "messageId", message: "Message with ID '\(id)' already exists")
        }
    }

    /// A count or amount a message reports: 0 … ``SessionCounters/maximumPerMessage``.
    static func requireNonNegative(_ field: String, _ value: Int?) throws(SessionError) {
        guard let value else { return }
        if value < 0 { throw .validation(field: field, message: "\(field) must be greater than or equal to 0") }
        if value > SessionCounters.maximumPerMessage { throw tooLarge(field) }
    }

    static func requireNonNegative(_ field: String, _ value: Double?) throws(SessionError) {
        guard let value else { return }
        guard value.isFinite else { throw .validation(field: field, message: "\(field) must be a finite number") }
        if value < 0 { throw .validation(field: field, message: "\(field) must be greater than or equal to 0") }
        if value > Double(SessionCounters.maximumPerMessage) { throw tooLarge(field) }
    }

    private static func tooLarge(_ field: String) -> SessionError {
        .validation(field: field, message: "\(field) must be at most \(SessionCounters.maximumPerMessage)")
    }
}
