/// Record that the run in progress ended without a final assistant message, e.g. on an error (native API).
public struct FinishProcessing: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The error that ended the run.
    public var error: String?

    /// Creates the command.
    public init(sessionID: SessionID, error: String? = nil) {
        self.sessionID = sessionID
        self.error = error
    }
}
