/// The session was rewound to a kept message: every later live message is marked removed.
///
/// Nothing is deleted: removed messages stay in the log and in as-of reads before this event. Tokens and
/// cost are not rolled back and a running agent is not cancelled. Files the media clean-up removed follow
/// as ``FileRemoved`` events. Wire type `session.rewound`, schema version 1.
public struct SessionRewound: Sendable, Equatable, Codable {
    /// The message the rewind keeps: the last live message afterwards.
    public var toMessageID: MessageID
    /// The live messages the rewind removed, in transcript order (empty when the kept message was last).
    public var removedMessageIDs: [MessageID]
    /// Whether the client asked for media clean-up.
    public var cleanupMedia: Bool

    /// Creates the event.
    public init(toMessageID: MessageID, removedMessageIDs: [MessageID], cleanupMedia: Bool) {
        self.toMessageID = toMessageID
        self.removedMessageIDs = removedMessageIDs
        self.cleanupMedia = cleanupMedia
    }

    enum CodingKeys: String, CodingKey {
        case toMessageID = "toMessageId", removedMessageIDs = "removedMessageIds", cleanupMedia
    }
}
