import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Projections
import Sessions

/// The native routes the audit console reads through, open to any client: the session list, the audited
/// transcript as of a point, and the fork.
extension NativeSessionsController {
    /// `GET /v1/sessions`: sessions of the key's namespace (or of `namespace`, or all on an open daemon),
    /// filtered, searched, sorted and paged (``NativeSessionListQuery``).
    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let list = try NativeSessionListQuery(request, namespace: context.namespace)
        let snapshots = try await backend.store.sessions(list.query)
        return try await offTheLoop(if: snapshots.count > OffTheLoopThreshold.items) {
            var sessions: [NativeSession] = []
            for snapshot in snapshots.prefix(list.limit) {
                sessions.append(
                    NativeSession(
                        snapshot, status: backend.store.status(of: snapshot),
                        state: try await backend.store.state(of: snapshot)))
            }
            let hasMore = snapshots.count > list.limit
            return try Response.json(
                NativeSessionPage(
                    sessions: sessions, nextCursor: hasMore ? OffsetCursor.make(offset: list.offset + list.limit) : nil))
        }
    }

    /// `GET /v1/sessions/{id}/transcript?position=|version=|at=&after=&limit=&maxBodyCharacters=`: every
    /// message appended by the point, with the positions that added and removed it, plus the transcript's stats.
    @Sendable func transcript(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let after = try request.integerQuery("after", in: 0...Int.max) ?? 0
        let limit = try request.integerQuery("limit", in: 1...100_000) ?? 200
        let maximumBody = try request.integerQuery("maxBodyCharacters", in: 1...Int.max)
        let asOf = try request.asOf()
        _ = try await backend.session(id, namespace: context.namespace)
        guard
            let page = try await backend.store.auditedTranscript(
                id, at: asOf, after: LogPosition(UInt64(after)), limit: limit)
        else { throw SessionBackend.notFound(id, at: asOf) }
        return try await offTheLoop(if: page.messages.count > OffTheLoopThreshold.items) {
            try Response.json(NativeTranscriptPage(page, session: id, limit: limit, maximumBody: maximumBody))
        }
    }

    /// `POST /v1/sessions/{id}/fork?position=|version=|at=|messageId=`: a new session starting with this one's
    /// transcript as of that point (docs/decisions/0040-native-fork.md); 201 with the new session (200 for a
    /// retried `Idempotency-Key`).
    @Sendable func fork(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.decodeJSON(
            as: NativeForkRequest.self, limit: backend.configuration.maximumBodyBytes,
            timeout: backend.configuration.bodyReadTimeout,
            allowedKeys: NativeForkRequest.keys, required: false)
        let asOf = try request.asOf()
        var messageID: MessageID?
        if case .message(let id) = asOf { messageID = id }
        _ = try await backend.session(id, namespace: context.namespace)
        guard let point = try await backend.store.session(id, at: asOf) else { throw SessionBackend.notFound(id, at: asOf) }
        let result = try await backend.writer.fork(
            id, throughVersion: point.version, messageID: messageID, title: body.title,
            options: context.writeOptions(request))
        let session = try await backend.session(result.sessionID, namespace: context.namespace)
        var headers = HTTPFields()
        headers[.eTag] = "\"\(session.version)\""
        return try .json(
            NativeSession(session, status: backend.store.status(of: session), state: try await backend.store.state(of: session)),
            status: result.deduplicated ? .ok : .created, headers: headers)
    }
}
