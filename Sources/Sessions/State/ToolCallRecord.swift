/// A tool call joined to its result, as the Mix API shows `toolCalls` on assistant messages.
public struct ToolCallRecord: Sendable, Equatable {
    /// The call as the assistant message made it.
    public var call: ToolCall
    /// The latest result recorded for the call, from any tool message of the session.
    public var result: ToolResultRecorded?

    /// Creates a record for a call without a result yet.
    public init(call: ToolCall, result: ToolResultRecorded? = nil) {
        self.call = call
        self.result = result
    }

    /// Whether a finished result was recorded.
    public var isFinished: Bool { result?.finished ?? false }
}
