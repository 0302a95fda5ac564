/// A message was added to the transcript: a user's input, one assistant step (LLM call) or a tool message.
///
/// Token usage, cost, model and latency are recorded on assistant messages only. A message the native fork copied
/// from its source names that source in ``copiedFrom``. Wire type `message.appended`, schema version 1.
public struct MessageAppended: Sendable, Equatable, Codable {
    /// The message's id, unique within the session.
    public var messageID: MessageID
    /// Who wrote it.
    public var role: MessageRole
    /// The text content.
    public var text: String?
    /// The model's visible reasoning.
    public var reasoning: String?
    /// How long the reasoning took, in milliseconds.
    public var reasoningDurationMs: Int?
    /// The model that produced an assistant message.
    public var model: String?
    /// Why an assistant message ended.
    public var finishReason: FinishReason?
    /// Uncached input tokens of the call.
    public var inputTokens: Int?
    /// Output tokens of the call.
    public var outputTokens: Int?
    /// Tokens written to the prompt cache.
    public var cacheCreationTokens: Int?
    /// Tokens read from the prompt cache.
    public var cacheReadTokens: Int?
    /// The call's cost in dollars.
    public var cost: Double?
    /// The call's latency in milliseconds.
    public var latencyMs: Double?
    /// The tool calls an assistant message made, in order.
    public var toolCalls: [ToolCall]
    /// Free-form metadata sent with the message (Mixpeek `metadata`).
    public var metadata: JSONObject?
    /// An agent framework's own item for this message (an OpenAI Agents SDK item, an ADK event), stored
    /// whole and read back equal; sessiond never interprets it (docs/frameworks.md).
    public var item: JSONValue?
    /// The session a fork copied this message from; `nil` for a message recorded in this session (every message
    /// before this field existed). A copy counts as a message of the session everywhere (counters, transcripts,
    /// `max_messages`) but was not sent here, so the per-minute rate limit does not count it.
    public var copiedFrom: SessionID?

    /// Creates the event.
    public init(
        messageID: MessageID,
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
        item: JSONValue? = nil,
        copiedFrom: SessionID? = nil
    ) {
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
        self.copiedFrom = copiedFrom
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId", role, text, reasoning, reasoningDurationMs, model, finishReason
        case inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, cost, latencyMs, toolCalls, metadata, item
        case copiedFrom
    }
}
