/// Replace a session's callbacks as a whole (Mix `PATCH /api/sessions/{id}/callbacks`); `nil` or empty clears.
public struct ReplaceCallbacks: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The new callbacks; the first invalid one aborts with `callbacks[<i>]: <reason>`.
    public var callbacks: [CallbackInput]?

    /// Creates the command.
    public init(sessionID: SessionID, callbacks: [CallbackInput]?) {
        self.sessionID = sessionID
        self.callbacks = callbacks
    }
}
