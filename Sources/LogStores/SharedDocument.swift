import EventLog
import PostgresLog

/// A small document every node on a shared log reads and changes — the API key file (decision 0168): kept in the
/// PostgreSQL database beside the log. A file log has none: one node owns its data directory.
public struct SharedDocument: Sendable {
    private let store: PostgresLogStore
    /// The document's name.
    public let name: String

    /// The document `name` beside `log`, or `nil` when the log is not shared.
    public init?(_ name: String, beside log: any LogStore) {
        guard let store = log as? PostgresLogStore else { return nil }
        self.store = store
        self.name = name
    }

    /// The document's bytes, or `nil` when none was written yet.
    public func read() async throws -> [UInt8]? {
        try await store.sharedDocument(name)
    }

    /// Replaces the document with what `change` makes of its current bytes, one node's change after another's;
    /// `change` returning `nil` writes nothing. Returns the bytes afterwards.
    @discardableResult
    public func update(_ change: @escaping @Sendable ([UInt8]?) throws -> [UInt8]?) async throws -> [UInt8]? {
        try await store.updateSharedDocument(name, change)
    }
}
