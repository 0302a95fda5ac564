/// Cancel the run in progress (Mix `POST /api/sessions/{id}/cancel`); nothing happens when none is.
public struct CancelProcessing: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The reason recorded.
    public var reason: String

    /// Creates the command.
    public init(sessionID: SessionID, reason: String = ProcessingCancelled.userAPICancellation) {
        self.sessionID = sessionID
        self.reason = reason
    }
}
