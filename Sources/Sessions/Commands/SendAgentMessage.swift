/// Send a user message through the Mixpeek API (`POST /v1/agents/sessions/{id}/messages`): records the
/// message and marks the session processing.
public struct SendAgentMessage: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The new message's id; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var messageID: MessageID?
    /// `content`; required, at least one character.
    public var content: String?
    /// `metadata`, kept on the message.
    public var metadata: JSONObject?

    /// Creates the command.
    public init(sessionID: SessionID, messageID: MessageID? = nil, content: String?, metadata: JSONObject? = nil) {
        self.sessionID = sessionID
        self.messageID = messageID
        self.content = content
        self.metadata = metadata
    }
}
