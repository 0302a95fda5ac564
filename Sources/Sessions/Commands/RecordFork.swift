/// Note in the source session that a fork of it was created (native fork API, after ``ForkSession``).
public struct RecordFork: Sendable, Equatable {
    /// The source session.
    public var sessionID: SessionID
    /// What the fork's creation recorded.
    public var fork: SessionForked

    /// Creates the command.
    public init(sessionID: SessionID, fork: SessionForked) {
        self.sessionID = sessionID
        self.fork = fork
    }
}
