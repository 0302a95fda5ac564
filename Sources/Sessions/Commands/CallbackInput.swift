/// A callback as a client sent it, before validation (Mix `callbacks[i]`).
///
/// Strings are raw so that the exact Mix messages can name what was wrong, e.g.
/// `callbacks[0]: type must be 'bash_script', 'sub_agent', or 'send_message', got 'shell'`.
public struct CallbackInput: Sendable, Equatable {
    /// The display name.
    public var name: String?
    /// The triggering tool's name; required.
    public var toolName: String?
    /// `bash_script`, `sub_agent` or `send_message`; required.
    public var type: String?
    /// Required for `bash_script`.
    public var bashCommand: String?
    /// Milliseconds; not validated (≤ 0 means the default at execution time).
    public var bashTimeout: Int?
    /// Required for `sub_agent`.
    public var subAgentPrompt: String?
    /// Not validated (the SDK sends `general-purpose` on every callback).
    public var subAgentType: String?
    /// A no-op in Mix; stored.
    public var includeFullHistory: Bool?
    /// Required for `send_message`.
    public var messageContent: String?
    /// Must not be true for `send_message`.
    public var excludeFromContext: Bool?

    /// Creates a callback input.
    public init(
        name: String? = nil,
        toolName: String? = nil,
        type: String? = nil,
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
