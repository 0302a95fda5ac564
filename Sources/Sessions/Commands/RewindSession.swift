/// Rewind a session to a kept message (Mix `POST /api/sessions/{id}/rewind`).
public struct RewindSession: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// `messageId`: the last message to keep; required (an empty id arrives as `nil`).
    public var messageID: MessageID?
    /// `cleanupMedia`; `false` when the key is absent (decision (j)).
    public var cleanupMedia: Bool

    /// Creates the command.
    public init(sessionID: SessionID, messageID: MessageID?, cleanupMedia: Bool = false) {
        self.sessionID = sessionID
        self.messageID = messageID
        self.cleanupMedia = cleanupMedia
    }
}
