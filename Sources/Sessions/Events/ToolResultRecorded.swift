/// A tool call's result was recorded, carried by a `tool` message of the transcript.
///
/// Wire type `tool_result.recorded`, schema version 1.
public struct ToolResultRecorded: Sendable, Equatable, Codable {
    /// The call the result answers.
    public var toolCallID: ToolCallID
    /// The `tool` message that carries the result (appended just before, or earlier in the same step).
    public var messageID: MessageID
    /// The result content.
    public var result: String
    /// Tool-specific metadata as the tool reported it (Mix export `metadata`).
    public var metadata: String?
    /// Whether the tool failed.
    public var isError: Bool
    /// Screenshots the tool took.
    public var screenshotURLs: [String]
    /// Whether the call is finished; `false` records a partial result that a later one may replace.
    public var finished: Bool

    /// Creates the event.
    public init(
        toolCallID: ToolCallID,
        messageID: MessageID,
        result: String,
        metadata: String? = nil,
        isError: Bool = false,
        screenshotURLs: [String] = [],
        finished: Bool = true
    ) {
        self.toolCallID = toolCallID
        self.messageID = messageID
        self.result = result
        self.metadata = metadata
        self.isError = isError
        self.screenshotURLs = screenshotURLs
        self.finished = finished
    }

    enum CodingKeys: String, CodingKey {
        case toolCallID = "toolCallId", messageID = "messageId", result, metadata, isError
        case screenshotURLs = "screenshotUrls", finished
    }
}
