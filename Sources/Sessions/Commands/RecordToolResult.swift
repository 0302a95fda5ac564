/// Record a tool call's result (native API).
///
/// The result is carried by a `tool` message: name an existing live tool message to add it to (several
/// results of one step share one message, as in Mix), or a new id / `nil` to append a new tool message first.
public struct RecordToolResult: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The call the result answers; it must exist in the session.
    public var toolCallID: ToolCallID
    /// The carrying tool message; see the type's description.
    public var messageID: MessageID?
    /// The result content.
    public var result: String
    /// Tool-specific metadata.
    public var metadata: String?
    /// Whether the tool failed.
    public var isError: Bool
    /// Screenshots the tool took; each non-empty.
    public var screenshotURLs: [String]
    /// `false` for a partial result that a later one may replace.
    public var finished: Bool

    /// Creates the command.
    public init(
        sessionID: SessionID,
        toolCallID: ToolCallID,
        messageID: MessageID? = nil,
        result: String,
        metadata: String? = nil,
        isError: Bool = false,
        screenshotURLs: [String] = [],
        finished: Bool = true
    ) {
        self.sessionID = sessionID
        self.toolCallID = toolCallID
        self.messageID = messageID
        self.result = result
        self.metadata = metadata
        self.isError = isError
        self.screenshotURLs = screenshotURLs
        self.finished = finished
    }
}
