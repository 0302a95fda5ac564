/// Where a forked session came from: the source session and the log position its transcript was copied at.
public struct ForkOrigin: Sendable, Equatable, Codable {
    /// The session that was forked.
    public var sessionID: SessionID
    /// The global log position of the source's last event the fork includes.
    public var position: UInt64
    /// The message the fork was asked for, when it was asked for one (the last message it copies).
    public var messageID: MessageID?

    /// Creates the origin.
    public init(sessionID: SessionID, position: UInt64, messageID: MessageID? = nil) {
        self.sessionID = sessionID
        self.position = position
        self.messageID = messageID
    }

    enum CodingKeys: String, CodingKey {
        case sessionID = "sessionId", position, messageID = "messageId"
    }
}
