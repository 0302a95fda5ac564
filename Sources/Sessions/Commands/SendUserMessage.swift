/// Send a user message through the Mix API (`POST /api/sessions/{id}/messages`): records the message and
/// marks the session processing. Slash commands are the API layer's business and never reach this command.
public struct SendUserMessage: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The new message's id; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var messageID: MessageID?
    /// `text`; required, non-empty.
    public var text: String?
    /// `plan_mode`.
    public var planMode: Bool
    /// `thinking_level`: `off`, `basic`, `medium`, `maximum` or `nil`.
    public var thinkingLevel: String?
    /// `max_steps`.
    public var maxSteps: Int?

    /// Creates the command.
    public init(
        sessionID: SessionID,
        messageID: MessageID? = nil,
        text: String?,
        planMode: Bool = false,
        thinkingLevel: String? = nil,
        maxSteps: Int? = nil
    ) {
        self.sessionID = sessionID
        self.messageID = messageID
        self.text = text
        self.planMode = planMode
        self.thinkingLevel = thinkingLevel
        self.maxSteps = maxSteps
    }
}
