import Foundation
import Hummingbird
import Projections
import Sessions

/// The Mix sessions API (`/api/sessions…`, mix-api.md §2.2–§2.8): decode, run a command through the writer,
/// answer from the projections. No business rules here: validation is `Session.decide`'s.
struct MixSessionsController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("sessions", use: list)
        group.post("sessions", use: create)
        group.get("sessions/:id", use: get)
        group.delete("sessions/:id", use: delete)
        group.patch("sessions/:id/callbacks", use: updateCallbacks)
        group.get("sessions/:id/export", use: export)
        group.post("sessions/:id/rewind", use: rewind)
        group.post("sessions/:id/cancel", use: cancel)
    }

    private var limit: Int { backend.configuration.maximumBodyBytes }
    private var timeout: Duration { backend.configuration.bodyReadTimeout }

    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let includeSubagents = request.uri.queryParameters.get("includeSubagents") == "true"
        let sessions = try await backend.store.sessions(SessionQuery(namespace: context.namespace, includeSubagents: includeSubagents))
        return try await offTheLoop(if: sessions.count > OffTheLoopThreshold.items) {
            try Response.json(sessions.map(MixSessionData.init))
        }
    }

    @Sendable func create(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            as: MixCreateSessionRequest.self, limit: limit, timeout: timeout, allowedKeys: MixCreateSessionRequest.keys)
        let command = CreateSession(
            namespace: context.namespace ?? backend.configuration.mixNamespace, title: body.title, browserMode: body.browserMode,
            cdpURL: body.cdpUrl, customSystemPrompt: body.customSystemPrompt, promptMode: body.promptMode,
            sessionType: body.sessionType, subagentType: body.subagentType,
            callbacks: (body.callbacks ?? []).map(\.input))
        let result = try await backend.writer.execute(.create(command), options: context.writeOptions(request))
        let session = try await backend.session(result.sessionID, namespace: context.namespace)
        return try .json(MixSessionData(session), status: .created)
    }

    @Sendable func get(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        if let cached = try backend.cachedLatestAnswer(id, namespace: context.namespace, face: .mix) { return cached }
        let session = try await backend.session(id, namespace: context.namespace)
        return try backend.latestAnswer(for: session, face: .mix) { _ in try APIJSON.encoder.encode(MixSessionData(session)) }
    }

    @Sendable func delete(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        _ = try await backend.execute(
            .delete(DeleteSession(sessionID: id)), namespace: context.namespace, options: context.writeOptions(request))
        return Response(status: .noContent)
    }

    @Sendable func updateCallbacks(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.decodeJSON(
            as: MixUpdateCallbacksRequest.self, limit: limit, timeout: timeout, required: false)
        let command = ReplaceCallbacks(sessionID: id, callbacks: body.callbacks.map { $0.map(\.input) })
        _ = try await backend.execute(
            .replaceCallbacks(command), namespace: context.namespace, options: context.writeOptions(request))
        return try .json(MixSessionData(try await backend.session(id, namespace: context.namespace)))
    }

    @Sendable func export(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let session = try await backend.session(id, namespace: context.namespace)
        let export = try await backend.exportJSON(of: session)
        var headers = HTTPFields()
        headers[.contentDisposition] = "attachment; filename=session_\(id)_transcript.json"
        return await offTheLoop(if: export.count > OffTheLoopThreshold.bytes) { Response.json(bytes: export, headers: headers) }
    }

    @Sendable func rewind(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.decodeJSON(
            as: MixRewindRequest.self, limit: limit, timeout: timeout, allowedKeys: MixRewindRequest.keys)
        let command = RewindSession(
            sessionID: id, messageID: body.messageId.flatMap(MessageID.init(rawValue:)),
            cleanupMedia: body.cleanupMedia ?? false)
        _ = try await backend.execute(.rewind(command), namespace: context.namespace, options: context.writeOptions(request))
        return try .json(MixSessionData(try await backend.session(id, namespace: context.namespace)))
    }

    @Sendable func cancel(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let result = try await backend.execute(
            .cancelProcessing(CancelProcessing(sessionID: id)), namespace: context.namespace,
            options: context.writeOptions(request))
        let cancelled = !result.events.isEmpty
        return try .json(
            MixCancelResponse(cancelled: cancelled, status: cancelled ? "cancelled" : "idle", sessionId: id.rawValue))
    }
}

/// `POST /api/sessions/{id}/cancel` answer (mix-api.md decision (b)).
struct MixCancelResponse: Encodable {
    var cancelled: Bool
    var status: String
    var sessionId: String
}
