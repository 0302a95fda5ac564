/// A file was detached from the session. Wire type `file.removed`, schema version 1.
public struct FileRemoved: Sendable, Equatable, Codable {
    /// Why a file was removed.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// A client asked for it.
        case requested
        /// A rewind with `cleanupMedia` removed files added after the rewind point.
        case rewindCleanup = "rewind_cleanup"
        /// A file of the same name was added in its place (a Mix upload overwrites).
        case replaced
    }

    /// The removed file.
    public var fileID: FileID
    /// Why it was removed.
    public var reason: Reason

    /// Creates the event.
    public init(fileID: FileID, reason: Reason) {
        self.fileID = fileID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case fileID = "fileId", reason
    }
}
