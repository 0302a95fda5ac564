/// Archive a session explicitly (a server-side action; neither public API has an archive endpoint).
public struct ArchiveSession: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// Why, for the audit trail.
    public var reason: String?

    /// Creates the command.
    public init(sessionID: SessionID, reason: String? = nil) {
        self.sessionID = sessionID
        self.reason = reason
    }
}
