/// A file-system operation of a ``FileBlobStore`` failed.
public struct BlobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation, e.g. `rename`.
    public var operation: String
    /// The path it acted on.
    public var path: String
    /// The `errno` it failed with.
    public var errno: Int32

    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "blob store: \(operation) \(path) failed (errno \(errno))" }
}
