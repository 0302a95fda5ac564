/// Record a message the agent runtime produced (native API): a user input, an assistant step or a tool message.
///
/// Appending an assistant message whose finish reason ends the run (anything but `tool_use`) while the
/// session is processing also records ``ProcessingFinished``.
public struct AppendMessage: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The message id; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var messageID: MessageID?
    /// Who wrote it.
    public var role: MessageRole
    /// Required and non-empty for user messages.
    public var text: String?
    /// Assistant only.
    public var reasoning: String?
    /// Milliseconds, ≥ 0.
    public var reasoningDurationMs: Int?
    /// Assistant only.
    public var model: String?
    /// Assistant only.
    public var finishReason: FinishReason?
    /// Assistant only, ≥ 0.
    public var inputTokens: Int?
    /// Assistant only, ≥ 0.
    public var outputTokens: Int?
    /// Assistant only, ≥ 0.
    public var cacheCreationTokens: Int?
    /// Assistant only, ≥ 0.
    public var cacheReadTokens: Int?
    /// Assistant only, dollars, finite and ≥ 0.
    public var cost: Double?
    /// Assistant only, milliseconds, finite and ≥ 0.
    public var latencyMs: Double?
    /// Assistant only; ids unique within the session, names non-empty.
    public var toolCalls: [ToolCall]
    /// Free-form metadata.
    public var metadata: JSONObject?
    /// A framework's opaque item; a user message needs text or an item.
    public var item: JSONValue?

    /// Creates the command.
    public init(
        sessionID: SessionID,
        messageID: MessageID? = nil,
        role: MessageRole,
        text: String? = nil,
        reasoning: String? = nil,
        reasoningDurationMs: Int? = nil,
        model: String? = nil,
        finishReason: FinishReason? = nil,
        inputTokens: Int? = nil,
        outputTokens: Int? = nil,
        cacheCreationTokens: Int? = nil,
        cacheReadTokens: Int? = nil,
        cost: Double? = nil,
        latencyMs: Double? = nil,
        toolCalls: [ToolCall] = [],
        metadata: JSONObject? = nil,
        item: JSONValue? = nil
    ) {
        self.sessionID = sessionID
        self.messageID = messageID
        self.role = role
        self.text = text
        self.reasoning = reasoning
        self.reasoningDurationMs = reasoningDurationMs
        self.model = model
        self.finishReason = finishReason
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.cacheReadTokens = cacheReadTokens
        self.cost = cost
        self.latencyMs = latencyMs
        self.toolCalls = toolCalls
        self.metadata = metadata
        self.item = item
    }
}
