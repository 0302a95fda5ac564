/// Change a session's title (Mixpeek `session_name`), e.g. to the one the agent generated.
public struct RenameSession: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// Required; stored whole.
    public var title: String?

    /// Creates the command.
    public init(sessionID: SessionID, title: String?) {
        self.sessionID = sessionID
        self.title = title
    }
}
