/// A validated Mix callback as stored: run after every successful tool call named ``toolName`` (or `*`).
///
/// Optional fields hold `nil` rather than empty or zero values, the way the Mix backend echoes them
/// (Go `omitempty`); defaults such as a 120 s bash timeout apply at execution time and are not stored.
public struct Callback: Sendable, Hashable, Codable {
    /// A display name; the server gives none by default.
    public var name: String?
    /// The tool whose calls trigger the callback, matched exactly, or `*` for every tool.
    public var toolName: String
    /// What the callback does.
    public var type: CallbackType
    /// The shell command of a ``CallbackType/bashScript`` callback.
    public var bashCommand: String?
    /// The bash timeout in milliseconds (a value ≤ 0 means the 120,000 ms default).
    public var bashTimeout: Int?
    /// The prompt of a ``CallbackType/subAgent`` callback.
    public var subAgentPrompt: String?
    /// The sub-agent type (default `general-purpose`).
    public var subAgentType: String?
    /// Whether the sub-agent sees the full history (not implemented by Mix).
    public var includeFullHistory: Bool?
    /// The text a ``CallbackType/sendMessage`` callback inserts.
    public var messageContent: String?
    /// Whether the callback's result message is left out of the LLM context.
    public var excludeFromContext: Bool?

    /// Creates a callback; ``Session/decide(_:state:context:)`` builds these from ``CallbackInput``.
    public init(
        name: String? = nil,
        toolName: String,
        type: CallbackType,
        bashCommand: String? = nil,
        bashTimeout: Int? = nil,
        subAgentPrompt: String? = nil,
        subAgentType: String? = nil,
        includeFullHistory: Bool? = nil,
        messageContent: String? = nil,
        excludeFromContext: Bool? = nil
    ) {
        self.name = name
        self.toolName = toolName
        self.type = type
        self.bashCommand = bashCommand
        self.bashTimeout = bashTimeout
        self.subAgentPrompt = subAgentPrompt
        self.subAgentType = subAgentType
        self.includeFullHistory = includeFullHistory
        self.messageContent = messageContent
        self.excludeFromContext = excludeFromContext
    }
}
