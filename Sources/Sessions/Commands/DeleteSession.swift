/// Delete a session permanently (Mix `DELETE /api/sessions/{id}`): appends the tombstone.
public struct DeleteSession: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID

    /// Creates the command.
    public init(sessionID: SessionID) { self.sessionID = sessionID }
}
