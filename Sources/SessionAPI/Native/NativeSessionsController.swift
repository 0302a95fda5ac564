import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Projections
import Sessions

/// The native session routes: create and list framework sessions, read a session or its export as of any
/// point (`at`, `position`, `version`), its audit history, and append agent activity — one item, or a batch
/// as one atomic append — with `If-Match` and `Idempotency-Key`.
struct NativeSessionsController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.post("sessions", use: create)
        group.get("sessions", use: list)
        group.get("sessions/:id", use: get)
        group.get("sessions/:id/transcript", use: transcript)
        group.post("sessions/:id/fork", use: fork)
        group.get("sessions/:id/export", use: export)
        group.get("sessions/:id/events", use: events)
        group.post("sessions/:id/events", use: append)
        group.post("sessions/:id/events/batch", use: appendBatch)
    }

    @Sendable func create(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            as: NativeCreateSessionRequest.self, limit: backend.configuration.maximumBodyBytes,
            timeout: backend.configuration.bodyReadTimeout)
        let result = try await backend.execute(
            try body.command(namespace: context.namespace ?? backend.configuration.mixNamespace),
            namespace: context.namespace, options: context.writeOptions(request))
        let session = try await backend.session(result.sessionID, namespace: context.namespace)
        return try await respond(with: session, status: result.deduplicated ? .ok : .created)
    }

    @Sendable func get(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let asOf = try request.asOf()
        let id = try context.sessionID()
        // An ADK session's state includes its app's and user's shared keys, which other sessions change.
        if asOf == .latest, let cached = try backend.cachedLatestAnswer(
            id, namespace: context.namespace, face: .native, accepts: { $0.appName == nil }, headers: Self.eTag)
        {
            return cached
        }
        let session = try await backend.session(id, namespace: context.namespace, at: asOf)
        guard asOf == .latest, session.appName == nil else { return try await respond(with: session, at: asOf) }
        return try backend.latestAnswer(for: session, face: .native, headers: Self.eTag(session.version)) { status in
            try APIJSON.encoder.encode(NativeSession(session, status: status, state: session.state))
        }
    }

    /// The `ETag` of a session's answer: its version, quoted.
    private static func eTag(_ version: UInt64) -> HTTPFields {
        var headers = HTTPFields()
        headers[.eTag] = "\"\(version)\""
        return headers
    }

    /// The session as read at `asOf`, its status at that point (``ProjectionStore/status(of:at:)``).
    private func respond(
        with session: SessionSnapshot, at asOf: AsOf = .latest, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try .json(
            NativeSession(
                session, status: backend.store.status(of: session, at: asOf),
                state: try await backend.store.state(of: session)),
            status: status, headers: Self.eTag(session.version))
    }

    @Sendable func export(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let formatText = request.uri.queryParameters.get("format") ?? "json"
        guard let format = ExportFormat(rawValue: formatText) else {
            throw RequestBodyError.invalidParameter(name: "format", reason: "format must be 'json' or 'markdown'")
        }
        let session = try await backend.session(id, namespace: context.namespace)
        let asOf = try request.asOf()
        switch format {
        case .json:
            let export = try await backend.exportJSON(of: session, at: asOf)
            return await offTheLoop(if: export.count > OffTheLoopThreshold.bytes) { Response.json(bytes: export) }
        case .markdown:
            let export = try await backend.export(of: session, at: asOf)
            var headers = HTTPFields()
            headers[.contentType] = "text/markdown; charset=utf-8"
            // Rendering is as long as the transcript: always off the loop.
            let body = await offTheLoop { ByteBuffer(bytes: export.rendered(as: .markdown)) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }

    @Sendable func events(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let after = try request.integerQuery("after", in: 0...Int.max) ?? 0
        _ = try await backend.session(id, namespace: context.namespace)
        // The session of this id now: not the events of an earlier one deleted before the id was created again.
        let events = try await backend.store.events(id, after: LogPosition(UInt64(after)), currentIncarnation: true)
        return try await offTheLoop(if: events.count > OffTheLoopThreshold.items) {
            try Response.json(events.map(NativeAuditEvent.init))
        }
    }

    @Sendable func append(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.readJSON(
            as: NativeActivityRequest.self, limit: backend.configuration.maximumBodyBytes,
            timeout: backend.configuration.bodyReadTimeout)
        let result = try await backend.execute(
            try body.command(for: id), namespace: context.namespace, options: context.writeOptions(request))
        return appended(result, session: id)
    }

    /// `{"items": [activity, …]}`: every item decided in order on the state the previous ones lead to, and
    /// appended together or not at all.
    @Sendable func appendBatch(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.readJSON(
            as: NativeActivityBatchRequest.self, limit: backend.configuration.maximumBodyBytes,
            timeout: backend.configuration.bodyReadTimeout,
            allowedKeys: NativeActivityBatchRequest.keys)
        let commands = try body.items.enumerated().map { index, item in
            do {
                return try item.command(for: id)
            } catch RequestBodyError.invalidParameter(let name, let reason) {
                throw RequestBodyError.invalidParameter(name: "items[\(index)].\(name)", reason: reason)
            }
        }
        let options = try context.writeOptions(request)
        // Many commands take far more than a millisecond to decide and fold: off the loop (decision 0142).
        let result = try await offTheLoop(if: commands.count > OffTheLoopThreshold.items) {
            try await backend.execute(batch: commands, on: id, namespace: context.namespace, options: options)
        }
        return appended(result, session: id)
    }

    /// 201 with the new events' positions, or 200 for a no-op or a deduplicated retry; `ETag` is the version.
    private func appended(_ result: WriteResult, session id: SessionID) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = "\"\(result.state.version)\""
        let answer = NativeAppendResponse(result)
        return .json(bytes: answer.json(), status: answer.status, headers: headers)
    }
}

extension Request {
    /// The as-of point the query names: `position` (a global log position), `version` (the session's own
    /// version), `at` (an RFC 3339 time or Unix seconds, ``Projections/AsOf/time(_:)``) or `messageId` (the
    /// message and what followed it up to the next message or its own removal, ``Projections/AsOf/message(_:)``);
    /// the latest state when none is given.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for an unparsable value or more than one.
    func asOf() throws -> AsOf {
        let query = uri.queryParameters
        var found: [AsOf] = []
        if let text = query.get("position") {
            guard let value = UInt64(text) else {
                throw RequestBodyError.invalidParameter(name: "position", reason: "position must be a log position")
            }
            found.append(.position(LogPosition(value)))
        }
        if let text = query.get("version") {
            guard let value = UInt64(text) else {
                throw RequestBodyError.invalidParameter(name: "version", reason: "version must be a session version")
            }
            found.append(.version(value))
        }
        if let text = query.get("at") {
            guard let date = AsOf.time(text) else {
                throw RequestBodyError.invalidParameter(name: "at", reason: "at must be an RFC 3339 time or Unix seconds")
            }
            found.append(.time(date))
        }
        if let text = query.get("messageId") {
            guard let id = MessageID(rawValue: text) else {
                throw RequestBodyError.invalidParameter(name: "messageId", reason: "messageId must not be empty")
            }
            found.append(.message(id))
        }
        guard found.count <= 1 else {
            throw RequestBodyError.invalidParameter(
                name: "at", reason: "give at most one of at, position, version, messageId")
        }
        return found.first ?? .latest
    }
}
