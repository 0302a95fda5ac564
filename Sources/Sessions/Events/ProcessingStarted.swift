/// An agent run started on the session (Mix `POST …/messages`, Mixpeek send): the session is processing.
///
/// Wire type `processing.started`, schema version 1.
public struct ProcessingStarted: Sendable, Equatable, Codable {
    /// The user message that started the run.
    public var messageID: MessageID?
    /// Whether the run is in plan mode (read-only tools, a plan-mode reminder in the prompt).
    public var planMode: Bool
    /// The reasoning budget asked for.
    public var thinkingLevel: ThinkingLevel?
    /// The maximum number of tool-using steps.
    public var maxSteps: Int?

    /// Creates the event.
    public init(
        messageID: MessageID? = nil,
        planMode: Bool = false,
        thinkingLevel: ThinkingLevel? = nil,
        maxSteps: Int? = nil
    ) {
        self.messageID = messageID
        self.planMode = planMode
        self.thinkingLevel = thinkingLevel
        self.maxSteps = maxSteps
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "messageId", planMode, thinkingLevel, maxSteps
    }
}
