/// Messages were taken out of the live transcript by a framework's own operation: the OpenAI Agents SDK's
/// `pop_item` (the last item) or `clear_session` (every live message).
///
/// Like ``SessionRewound``, nothing is deleted: the messages stay in the log, in the audit history and in
/// as-of reads before this event; tokens and cost are not rolled back. Wire type `messages.removed`,
/// schema version 1.
public struct MessagesRemoved: Sendable, Equatable, Codable {
    /// The live messages removed, in transcript order (never empty: removing nothing appends nothing).
    public var removedMessageIDs: [MessageID]
    /// Which operation removed them.
    public var reason: MessageRemoval

    /// Creates the event.
    public init(removedMessageIDs: [MessageID], reason: MessageRemoval) {
        self.removedMessageIDs = removedMessageIDs
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case removedMessageIDs = "removedMessageIds", reason
    }
}
