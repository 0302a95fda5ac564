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
    let blobs: any BlobStore
    let configuration: APIConfiguration
    /// The latest state of recently read sessions and their rendered answers, dropped by the replay loop.
    let responses: SessionResponseCache
    /// The data directory's lock when the log does not hold it (a log elsewhere); released once the log closed.
    let dataDirectoryLock: DirectoryLock?

    /// The session as of `asOf` when it exists in `namespace`; otherwise ``SessionError/sessionNotFound(_:)``
    /// (another namespace's session is as unknown as a missing one), or ``SessionError/messageNotFound(_:)`` for an
    /// as-of message an existing session never had.
    /// The latest state comes from ``responses`` when it holds the session.
    func session(_ id: SessionID, namespace: String?, at asOf: AsOf = .latest) async throws -> SessionSnapshot {
        var snapshot = asOf == .latest ? responses.snapshot(id) : nil
        if snapshot == nil {
            let ticket = responses.ticket(for: id)
            snapshot = try await store.session(id, at: asOf)
            if asOf == .latest, let snapshot { responses.store(snapshot, ticket: ticket) }
        }
        guard let snapshot, namespace.map({ $0 == snapshot.namespace }) ?? true else {
            // A message the session never had is named as such, not as a missing session.
            if case .message = asOf {
                _ = try await session(id, namespace: namespace)
                throw Self.notFound(id, at: asOf)
            }
            throw SessionError.sessionNotFound(id)
        }
        return snapshot
    }

    /// The JSON export of `session` (found by ``session(_:namespace:at:)``) as of `asOf`: for the latest state the
    /// export the store kept for that version, without a projection read, when it has one (decision 0153).
    func exportJSON(of session: SessionSnapshot, at asOf: AsOf = .latest) async throws -> [UInt8] {
        if asOf == .latest, let kept = store.keptExportJSON(session.id, version: session.version) { return kept }
        guard let export = try await store.exportJSON(session.id, at: asOf) else { throw Self.notFound(session.id, at: asOf) }
        return export
    }

    /// The export of `session` (found by ``session(_:namespace:at:)``) as of `asOf`, for the renderings other than
    /// JSON; refused as ``exportJSON(of:at:)`` refuses.
    func export(of session: SessionSnapshot, at asOf: AsOf) async throws -> SessionExport {
        guard let export = try await store.export(session.id, at: asOf) else { throw Self.notFound(session.id, at: asOf) }
        return export
    }

    /// Why a read of an existing session as of `asOf` found nothing: the message is not the session's, or the
    /// session did not exist yet at that point.
    static func notFound(_ id: SessionID, at asOf: AsOf) -> SessionError {
        if case .message(let messageID) = asOf { return .messageNotFound(messageID) }
        return .sessionNotFound(id)
    }

    /// The latest version of a session, as ``session(_:namespace:at:)`` finds it, and the items appended after
    /// version `after` (``ProjectionStore/itemsAppended(_:after:upTo:)`` up to it; `nil` when one was removed
    /// since, or `after` is ahead). No projection read when ``responses`` holds the items since `after` (a session
    /// that only gained messages since, decision 0139) or the session at version `after`; one otherwise.
    func latestWithItemsAppended(
        _ id: SessionID, namespace: String?, after: UInt64
    ) async throws -> (version: UInt64, appended: [SessionItem]?) {
        var found: (version: UInt64, namespace: String, appended: [SessionItem]?)?
        if let tail = responses.itemsAppended(id, after: after) {
            found = (tail.version, tail.namespace, tail.items)
        } else if let cached = responses.snapshot(id) {
            // Holding that version already, the reader lacks nothing: no projection read (an unchanged load).
            let appended = after == cached.version ? []
                : after < cached.version ? try await store.itemsAppended(id, after: after, upTo: cached.version) : nil
            found = (cached.version, cached.namespace, appended)
        } else {
            let ticket = responses.ticket(for: id)
            if let read = try await store.latestWithItemsAppended(id, after: after) {
                responses.store(read.session, ticket: ticket)
                found = (read.session.version, read.session.namespace, read.appended)
            }
        }
        guard let found, namespace.map({ $0 == found.namespace }) ?? true
        else { throw SessionError.sessionNotFound(id) }
        return (found.version, found.appended)
    }

    /// How long `/health` and `/metrics` wait for the log's durable end: below a load balancer's or Kubernetes' probe
    /// timeout (1 s by default), so that neither fails nor hangs while the log's store does not answer (decision 0170).
    static let logEndTimeout: Duration = .milliseconds(750)

    /// The log's durable end, or `nil` when it fails or takes longer than `timeout` (the query is then cancelled,
    /// so probes during an outage do not pile up waiting for connections).
    func durableEnd(within timeout: Duration = SessionBackend.logEndTimeout) async -> UInt64? {
        let log = self.log
        let (answers, answer) = AsyncStream.makeStream(of: UInt64?.self)
        let query = Task { answer.yield(try? await log.durableEnd().rawValue) }
        let timer = Task {
            try await Task.sleep(for: timeout)
            answer.yield(nil)
        }
        defer {
            query.cancel()
            timer.cancel()
        }
        for await first in answers { return first }
        return nil
    }

    /// How far the projections are against `logEnd` (from ``durableEnd(within:)``; `nil`, when the log did not
    /// answer, stands for the position applied): the log's end, the applied position (`nil` before the replay loop
    /// started) and the lag between them, in positions.
    func projectionProgress(logEnd: UInt64?) -> (logEnd: UInt64, applied: UInt64?, lag: UInt64) {
        let applied = replay.appliedPosition?.rawValue
        let end = logEnd ?? applied ?? 0
        return (end, applied, end - min(end, applied ?? 0))
    }

    /// Runs a command for a session of `namespace` (another namespace's session answers 404 before anything is
    /// decided), then returns the write's result.
    func execute(
        _ command: SessionCommand,
        namespace: String?,
        options: WriteOptions = WriteOptions()
    ) async throws -> WriteResult {
        var options = options
        options.namespace = namespace
        return try await writer.execute(command, options: options)
    }

    /// Runs several commands for one session of `namespace` as one all-or-nothing append.
    func execute(
        batch commands: [SessionCommand],
        on id: SessionID,
        namespace: String?,
        options: WriteOptions = WriteOptions()
    ) async throws -> WriteResult {
        var options = options
        options.namespace = namespace
        return try await writer.execute(batch: commands, on: id, options: options)
    }

    /// Runs many sessions' appends of `namespace` together, each answered on its own (``SessionWriter/execute(appends:)``).
    func execute(appends: [SessionAppend], namespace: String?) async -> [Result<WriteResult, any Error>] {
        await writer.execute(
            appends: appends.map { append in
                var append = append
                append.options.namespace = namespace
                return append
            })
    }
}
