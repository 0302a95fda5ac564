/// Why the API key file could not be read or changed.
public enum APIKeyStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key file exists but is not a key file this version understands.
    case unreadable(path: String, reason: String)
    /// A system call on the key file failed.
    case io(operation: String, path: String, errno: Int32)
    /// The namespace is empty, too long, or has characters outside `A-Z a-z 0-9 . _ -`.
    case invalidNamespace(String)
    /// No key has this id.
    case unknownKey(id: String)

    /// The operator-facing explanation.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read the key file \(path): \(reason)"
        case .io(let operation, let path, let errno): "\(operation) \(path) failed (errno \(errno))"
        case .invalidNamespace(let namespace):
            "invalid namespace '\(namespace)': use 1 to 128 characters from A-Z a-z 0-9 . _ -"
        case .unknownKey(let id): "no API key with id '\(id)' (see sessiond keys list)"
        }
    }
}
