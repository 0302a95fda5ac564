import EventLog
import LogStores
import NIOPosix

/// Beside a shared log, makes a node's key file and the copy every node shares in the database agree (decision
/// 0168), so a key created or revoked with `sessiond keys` on any node's data directory counts on every node.
///
/// An exchange makes the shared copy the merge of itself and this node's `keys.json` (``APIKey/merged(_:_:)``: keys
/// are only added and revoked, so no change is lost whatever the order), then merges that into the file, which the
/// ``APIKeyring`` re-reads on the next request. Either is written only when the merge changes it, and the shared
/// copy is locked only then. The daemon exchanges before it serves and then every second
/// (``APIKeyExchangeService``); `sessiond keys --log` after its change.
public struct APIKeyExchange: Sendable {
    /// The shared document's name.
    static let documentName = "api-keys"

    let document: SharedDocument
    let store: APIKeyStore

    /// The exchange for `store` beside `log`; `nil` when the log is not shared (a file log has one node).
    public init?(beside log: any LogStore, store: APIKeyStore) {
        guard let document = SharedDocument(Self.documentName, beside: log) else { return nil }
        self.document = document
        self.store = store
    }

    /// One exchange.
    /// - Throws: ``APIKeyStoreError`` for an unreadable or unwritable key file or an unreadable shared copy
    ///   (`DELETE FROM sessiond.shared_document WHERE name = 'api-keys'` discards it; the nodes write it again);
    ///   the log store's error when the database cannot be reached.
    public func exchange() async throws {
        let store = self.store
        let source = "the shared copy of the API keys (sessiond.shared_document '\(document.name)')"
        let local = try await NIOThreadPool.singleton.runIfActive { try store.keys() }
        var shared = try await document.read().map { try APIKeyStore.decode($0, source: source) } ?? []
        if APIKey.merged(shared, local) != shared {
            let written = try await document.update { bytes in
                let current = try bytes.map { try APIKeyStore.decode($0, source: source) } ?? []
                let merged = APIKey.merged(current, local)
                return merged == current ? nil : try APIKeyStore.encode(merged, source: source)
            }
            shared = try written.map { try APIKeyStore.decode($0, source: source) } ?? []
        }
        if APIKey.merged(local, shared) != local {
            let merged = shared
            _ = try await NIOThreadPool.singleton.runIfActive { try store.merge(merged) }
        }
    }
}
