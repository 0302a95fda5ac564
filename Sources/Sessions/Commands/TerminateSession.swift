/// Terminate a session (Mixpeek `DELETE /v1/agents/sessions/{id}`); idempotent.
public struct TerminateSession: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID

    /// Creates the command.
    public init(sessionID: SessionID) { self.sessionID = sessionID }
}
