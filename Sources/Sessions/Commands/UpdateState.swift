/// Set keys of a session's state (native API): an ADK `state_delta`, scoped by key prefix (``StateScope``).
public struct UpdateState: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The keys to set; `temp:` keys are dropped, never stored.
    public var delta: JSONObject

    /// Creates the command.
    public init(sessionID: SessionID, delta: JSONObject) {
        self.sessionID = sessionID
        self.delta = delta
    }
}
