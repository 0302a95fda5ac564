import Foundation

/// A file currently attached to a session.
public struct SessionFile: Sendable, Equatable {
    /// The file's metadata as added.
    public var added: FileAdded
    /// The session version of the ``FileAdded`` event.
    public var addedVersion: UInt64
    /// When the file was added (the record's time); a rewind's media clean-up compares against it.
    public var addedAt: Date

    /// Creates the entry.
    public init(added: FileAdded, version: UInt64, at date: Date) {
        self.added = added
        self.addedVersion = version
        self.addedAt = date
    }

    /// The file's id.
    public var id: FileID { added.fileID }
}
