/// A file was attached to the session (the session's storage directory of the Mix backend).
///
/// The event holds the file's metadata; its bytes live outside the log. Wire type `file.added`,
/// schema version 1.
public struct FileAdded: Sendable, Equatable, Codable {
    /// The file's id, unique within the session.
    public var fileID: FileID
    /// The file's name.
    public var name: String
    /// The media type, e.g. `image/png`.
    public var mediaType: String?
    /// The size in bytes.
    public var byteCount: Int?
    /// The SHA-256 of the content, lowercase hex.
    public var sha256: String?

    /// Creates the event.
    public init(fileID: FileID, name: String, mediaType: String? = nil, byteCount: Int? = nil, sha256: String? = nil) {
        self.fileID = fileID
        self.name = name
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case fileID = "fileId", name, mediaType, byteCount, sha256
    }
}
