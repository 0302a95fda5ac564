/// A Mixpeek session's agent configuration as stored, defaults filled in; immutable after creation.
///
/// The system prompt is not here: one session model holds one prompt, ``SessionCreated/customSystemPrompt``,
/// which the Mixpeek API renders as `agent_config.system_prompt`.
public struct AgentConfig: Sendable, Hashable, Codable {
    /// The Mixpeek client's default model.
    public static let defaultModel = "claude-sonnet-4-5-20250929"
    /// The default sampling temperature.
    public static let defaultTemperature = 0.7
    /// The default maximum tokens per response.
    public static let defaultMaxTokens = 4096
    /// The system prompt Mixpeek uses when none is given.
    public static let defaultSystemPrompt =
        "You are a helpful AI assistant with access to Mixpeek's data infrastructure."

    /// The model identifier.
    public var model: String
    /// The sampling temperature, 0.0–2.0.
    public var temperature: Double
    /// The maximum tokens per response, 1–100,000.
    public var maxTokens: Int
    /// The tools the agent may call; `nil` or empty means any.
    public var availableTools: [String]?

    /// Creates a configuration; ``Session/decide(_:state:context:)`` builds it from ``AgentConfigInput``.
    public init(
        model: String = AgentConfig.defaultModel,
        temperature: Double = AgentConfig.defaultTemperature,
        maxTokens: Int = AgentConfig.defaultMaxTokens,
        availableTools: [String]? = nil
    ) {
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.availableTools = availableTools
    }
}
