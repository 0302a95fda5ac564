/// Replace a session's user memory (Mixpeek `PATCH /v1/agents/sessions/{id}`).
public struct UpdateUserMemory: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// `user_memory`; required.
    public var userMemory: JSONObject?

    /// Creates the command.
    public init(sessionID: SessionID, userMemory: JSONObject?) {
        self.sessionID = sessionID
        self.userMemory = userMemory
    }
}
