/// Detach a file from a session.
public struct RemoveFile: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The file; it must be attached.
    public var fileID: FileID

    /// Creates the command.
    public init(sessionID: SessionID, fileID: FileID) {
        self.sessionID = sessionID
        self.fileID = fileID
    }
}
