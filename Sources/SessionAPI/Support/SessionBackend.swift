import Blobs
import EventLog
import Foundation
import Projections
import Sessions

/// What every controller works with: the log (SSE, catch-up reads), the projections (every other read), the
/// writer (every command), the blob store (session files' bytes) and the configuration.
struct SessionBackend: Sendable {
    let log: any LogStore
    let store: ProjectionStore
    let replay: ReplayLoop
    let writer: SessionWriter
    let blobs: BlobStore
    let configuration: APIConfiguration

    /// The session as of `asOf` when it exists in `namespace`; otherwise ``SessionError/sessionNotFound(_:)``
    /// (another namespace's session is as unknown as a missing one).
    func session(_ id: SessionID, namespace: String?, at asOf: AsOf = .latest) async throws -> SessionSnapshot {
        guard let snapshot = try await store.session(id, at: asOf), namespace.map({ $0 == snapshot.namespace }) ?? true
        else { throw SessionError.sessionNotFound(id) }
        return snapshot
    }

    /// Runs a command for a session that must already exist in `namespace`, then returns the write's result.
    func execute(
        _ command: SessionCommand,
        namespace: String?,
        options: WriteOptions = WriteOptions()
    ) async throws -> WriteResult {
        if let id = command.sessionID, let namespace {
            // Another namespace's session answers 404 before anything is decided.
            if let snapshot = try await store.session(id), snapshot.namespace != namespace {
                throw SessionError.sessionNotFound(id)
            }
        }
        return try await writer.execute(command, options: options)
    }
}
