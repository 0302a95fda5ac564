/// Take live messages out of the transcript (native API): a framework's `pop_item` or `clear_session`.
public struct RemoveMessages: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// Which messages.
    public var removal: MessageRemoval

    /// Creates the command.
    public init(sessionID: SessionID, removal: MessageRemoval) {
        self.sessionID = sessionID
        self.removal = removal
    }
}
