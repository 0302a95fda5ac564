/// Attach a file's metadata to a session.
public struct AddFile: Sendable, Equatable {
    /// The session.
    public var sessionID: SessionID
    /// The file id; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var fileID: FileID?
    /// The file name; required.
    public var name: String?
    /// The media type.
    public var mediaType: String?
    /// The size in bytes, ≥ 0.
    public var byteCount: Int?
    /// The SHA-256 of the content: 64 hex digits.
    public var sha256: String?

    /// Creates the command.
    public init(
        sessionID: SessionID,
        fileID: FileID? = nil,
        name: String?,
        mediaType: String? = nil,
        byteCount: Int? = nil,
        sha256: String? = nil
    ) {
        self.sessionID = sessionID
        self.fileID = fileID
        self.name = name
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.sha256 = sha256
    }
}
