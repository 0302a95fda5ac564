/// Rewind a session to just before a message (native API): a framework's rewind, such as ADK's
/// `rewind_before_invocation_id`, which names where the rewound part starts rather than what it keeps.
public struct RewindBeforeMessage: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The first message the rewind removes; it may already be removed (its position still counts).
    public var messageID: MessageID

    /// Creates the command.
    public init(sessionID: SessionID, messageID: MessageID) {
        self.sessionID = sessionID
        self.messageID = messageID
    }
}
