/// A Mixpeek `agent_config` as a client sent it; missing fields take ``AgentConfig``'s defaults.
public struct AgentConfigInput: Sendable, Equatable {
    /// The model identifier.
    public var model: String?
    /// 0.0–2.0.
    public var temperature: Double?
    /// 1–100,000.
    public var maxTokens: Int?
    /// Stored as the session's one system prompt.
    public var systemPrompt: String?
    /// The tools the agent may call.
    public var availableTools: [String]?

    /// Creates an agent config input.
    public init(
        model: String? = nil,
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        systemPrompt: String? = nil,
        availableTools: [String]? = nil
    ) {
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.systemPrompt = systemPrompt
        self.availableTools = availableTools
    }
}
