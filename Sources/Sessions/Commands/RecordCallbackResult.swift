/// Record a Mix callback's execution (native API): appends its `tool` message and the result on it.
public struct RecordCallbackResult: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The new tool message's id; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var messageID: MessageID?
    /// The triggering tool call; it must exist in the session.
    public var toolCallID: ToolCallID
    /// The triggering tool's name; required.
    public var toolName: String
    /// The callback's display name.
    public var callbackName: String?
    /// The callback's type.
    public var callbackType: CallbackType
    /// Bash standard output.
    public var stdout: String?
    /// Bash standard error.
    public var stderr: String?
    /// Bash exit code.
    public var exitCode: Int?
    /// The sub-agent session started.
    public var subagentID: SessionID?
    /// The sub-agent's answer.
    public var subagentResult: String?
    /// Whether it succeeded.
    public var success: Bool
    /// The error, when it failed.
    public var error: String?
    /// Whether the result is left out of the LLM context.
    public var excludeFromContext: Bool
    /// The sub-agent's cost in dollars, finite and ≥ 0, added to this session's cost.
    public var subagentCost: Double?

    /// Creates the command.
    public init(
        sessionID: SessionID,
        messageID: MessageID? = nil,
        toolCallID: ToolCallID,
        toolName: String,
        callbackName: String? = nil,
        callbackType: CallbackType,
        stdout: String? = nil,
        stderr: String? = nil,
        exitCode: Int? = nil,
        subagentID: SessionID? = nil,
        subagentResult: String? = nil,
        success: Bool,
        error: String? = nil,
        excludeFromContext: Bool = false,
        subagentCost: Double? = nil
    ) {
        self.sessionID = sessionID
        self.messageID = messageID
        self.toolCallID = toolCallID
        self.toolName = toolName
        self.callbackName = callbackName
        self.callbackType = callbackType
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.subagentID = subagentID
        self.subagentResult = subagentResult
        self.success = success
        self.error = error
        self.excludeFromContext = excludeFromContext
        self.subagentCost = subagentCost
    }
}
