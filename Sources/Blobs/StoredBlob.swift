import Foundation

/// A blob as a store lists it.
public struct StoredBlob: Sendable, Equatable {
    /// The blob's name.
    public var digest: BlobDigest
    /// Its size in bytes.
    public var byteCount: UInt64
    /// When it was last written (a write of the same bytes refreshes it).
    public var modified: Date

    public init(digest: BlobDigest, byteCount: UInt64, modified: Date) {
        self.digest = digest
        self.byteCount = byteCount
        self.modified = modified
    }
}
