import Foundation
import LogStores
import Logging
import ServiceLifecycle

/// Beside a shared log, keeps every node's key file and the shared copy in the database the same (decision 0168),
/// so a key created or revoked with `sessiond keys` on any node's data directory counts on every node.
///
/// Each exchange makes the shared copy the merge of itself and this node's `keys.json` (``APIKey/merged(_:_:)``:
/// keys are only added and revoked, so no change is lost whatever the order), then merges that into the file,
/// which the ``APIKeyring`` re-reads on the next request. The daemon exchanges once before it serves, then every
/// ``interval``. While the database cannot be reached the node keeps its own file's keys, and says so once.
struct SharedAPIKeys: Service {
    /// The shared document's name.
    static let documentName = "api-keys"

    let document: SharedDocument
    let store: APIKeyStore
    var interval: Duration = .seconds(1)
    let logger: Logger

    /// One exchange.
    /// - Throws: ``APIKeyStoreError`` for an unreadable file or shared copy, or the log store's error.
    func synchronize() async throws {
        let local = try store.keys()
        let source = "the shared key file (\(document.name))"
        let shared = try await document.update { bytes in
            let shared = try bytes.map { try APIKeyStore.decode($0, source: source) } ?? []
            let merged = APIKey.merged(shared, local)
            return merged == shared ? nil : try APIKeyStore.encode(merged, source: source)
        }
        if let shared { try store.merge(try APIKeyStore.decode(shared, source: source)) }
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var failing = false
                while true {
                    try await Task.sleep(for: interval)
                    do {
                        try await synchronize()
                        if failing { logger.notice("API keys exchanged with the shared log's database again") }
                        failing = false
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        if !failing {
                            logger.warning(
                                "cannot exchange API keys with the shared log's database; this node keeps its own key file",
                                metadata: ["error": "\(error)"])
                        }
                        failing = true
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
