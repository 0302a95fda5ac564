/// A new session was forked from this one: it starts with this session's live transcript as of ``position``.
///
/// A note in the source's history only; the source's transcript and state do not change. The new session's
/// ``SessionCreated/forkedFrom`` names this session and the same position. Wire type `session.forked`,
/// schema version 1.
public struct SessionForked: Sendable, Equatable, Codable {
    /// The new session.
    public var forkSessionID: SessionID
    /// The global log position of this session's last event the fork includes.
    public var position: UInt64
    /// The message the fork was asked for, if any.
    public var messageID: MessageID?
    /// How many live messages the new session starts with.
    public var messageCount: Int

    /// Creates the event.
    public init(forkSessionID: SessionID, position: UInt64, messageID: MessageID? = nil, messageCount: Int) {
        self.forkSessionID = forkSessionID
        self.position = position
        self.messageID = messageID
        self.messageCount = messageCount
    }

    enum CodingKeys: String, CodingKey {
        case forkSessionID = "forkSessionId", position, messageID = "messageId", messageCount
    }
}
