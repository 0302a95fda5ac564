/// A blob store kept elsewhere (PostgreSQL, beside a shared log) could not be reached or refused the operation;
/// an upload that hears it recorded nothing.
public struct BlobStoreUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the store reported, for the operator (never the bytes).
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "blob store unavailable: \(reason)" }
}
