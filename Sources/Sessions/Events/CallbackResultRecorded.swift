/// A Mix callback ran after a tool call, and its result was recorded on its own `tool` message.
///
/// Wire type `callback_result.recorded`, schema version 1.
public struct CallbackResultRecorded: Sendable, Equatable, Codable {
    /// The `tool` message that carries the result (appended just before).
    public var messageID: MessageID
    /// The tool call that triggered the callback.
    public var toolCallID: ToolCallID
    /// The triggering tool's name.
    public var toolName: String
    /// The callback's display name.
    public var callbackName: String?
    /// The callback's type.
    public var callbackType: CallbackType
    /// Standard output of a bash callback.
    public var stdout: String?
    /// Standard error of a bash callback.
    public var stderr: String?
    /// Exit code of a bash callback.
    public var exitCode: Int?
    /// The sub-agent session a `sub_agent` callback started.
    public var subagentID: SessionID?
    /// The sub-agent's final answer.
    public var subagentResult: String?
    /// Whether the callback succeeded.
    public var success: Bool
    /// The error, when it failed.
    public var error: String?
    /// Whether the result is left out of the LLM context.
    public var excludeFromContext: Bool
    /// The sub-agent's cost in dollars, added to this session's cost.
    public var subagentCost: Double?

    /// Creates the event.
    public init(
        messageID: MessageID,
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

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId", toolCallID = "toolCallId", toolName, callbackName, callbackType, stdout
        case stderr, exitCode, subagentID = "subagentId", subagentResult, success, error, excludeFromContext
        case subagentCost
    }
}
