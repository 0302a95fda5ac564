/// A stored blob whose bytes no longer hash to its digest: damaged where it is kept. Never served as the file;
/// writing the same bytes again replaces it.
public struct DamagedBlob: Error, Sendable, Equatable, CustomStringConvertible {
    /// The blob's digest, which its bytes no longer match.
    public var digest: BlobDigest

    public init(digest: BlobDigest) {
        self.digest = digest
    }

    /// The bytes, once they are checked to be the blob's.
    public static func checked(_ bytes: [UInt8], as digest: BlobDigest) throws(DamagedBlob) -> [UInt8] {
        guard BlobDigest(of: bytes) == digest else { throw DamagedBlob(digest: digest) }
        return bytes
    }

    public var description: String { "blob \(digest.hex) is damaged: its bytes do not match its digest" }
}
