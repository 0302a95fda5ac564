import Foundation
import Hummingbird
import Projections
import Sessions

/// The Mixpeek agent-sessions API under `/v1/agents/sessions` (mixpeek-api.md §3–§4): create, list, get,
/// patch user memory, terminate, history. ``APIKeyMiddleware`` has put the namespace in the context.
struct MixpeekSessionsController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.post("", use: create)
        group.post("list", use: list)
        group.get(":id", use: get)
        group.patch(":id", use: patch)
        group.delete(":id", use: terminate)
        group.get(":id/history", use: history)
    }

    private var limit: Int { backend.configuration.maximumBodyBytes }
    private var timeout: Duration { backend.configuration.bodyReadTimeout }

    private func namespace(_ context: SessionRequestContext) -> String {
        context.namespace ?? backend.configuration.mixNamespace
    }

    @Sendable func create(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            as: MixpeekCreateSessionRequest.self, limit: limit, timeout: timeout,
            allowedKeys: MixpeekCreateSessionRequest.keys, forbidExtraAs422: true)
        let command = CreateAgentSession(
            sessionID: SessionID(rawValue: "ses_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")),
            namespace: namespace(context), agentConfig: body.agent_config?.input, quotas: body.quotas?.quotas,
            userID: body.user_id, userMemory: body.user_memory, metadata: body.metadata,
            enableMemory: body.enable_memory ?? true)
        let result = try await backend.writer.execute(.createAgentSession(command), options: context.writeOptions(request))
        let session = try await backend.session(result.sessionID, namespace: namespace(context))
        return try .json(
            MixpeekCreateSessionResponse(
                session_id: session.id.rawValue, namespace_id: session.namespace, internal_id: "int_" + session.namespace,
                session_name: session.title.flatMap { $0.isEmpty ? nil : $0 },
                status: backend.store.status(of: session).rawValue, created_at: session.createdAt,
                expires_at: session.expiresAt ?? MixpeekSession.never))
    }

    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            as: MixpeekListSessionsRequest.self, limit: limit, timeout: timeout,
            allowedKeys: MixpeekListSessionsRequest.keys, forbidExtraAs422: true, required: false)
        let paging = try MixpeekPage(request)
        var status: SessionStatus?
        if let text = body.status {
            guard let parsed = SessionStatus(rawValue: text) else {
                throw RequestBodyError.invalidParameter(
                    name: "status", reason: "status must be one of: active, idle, archived, terminated")
            }
            status = parsed
        }
        let sort = try MixpeekSort.parse(body.sort)
        let page = try await backend.store.sessionList(
            SessionListQuery(
                namespace: namespace(context), status: status, filter: try body.filters.map { try MixpeekFilter.parse($0) },
                sort: sort.sort, limit: paging.limit, start: try paging.start(sort: sort.spelling),
                includeTotal: try request.booleanQuery("include_total") ?? false))
        let results = page.sessions.map { MixpeekSession($0, status: backend.store.status(of: $0)) }
        return try .json(
            MixpeekListSessionsResponse(
                results: results, total: page.total ?? page.offset + results.count,
                pagination: .init(
                    next_cursor: page.next.map { ListCursor.make($0, sort: sort.spelling) },
                    has_more: page.next != nil, limit: paging.limit, offset: page.offset)))
    }

    @Sendable func get(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        if let cached = try backend.cachedLatestAnswer(id, namespace: namespace(context), face: .mixpeek) { return cached }
        let session = try await backend.session(id, namespace: namespace(context))
        return try backend.latestAnswer(for: session, face: .mixpeek) { status in
            try APIJSON.encoder.encode(MixpeekSession(session, status: status))
        }
    }

    @Sendable func patch(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.decodeJSON(
            as: MixpeekPatchSessionRequest.self, limit: limit, timeout: timeout,
            allowedKeys: MixpeekPatchSessionRequest.keys, forbidExtraAs422: true)
        _ = try await backend.execute(
            .updateUserMemory(UpdateUserMemory(sessionID: id, userMemory: body.user_memory)),
            namespace: namespace(context), options: context.writeOptions(request))
        let session = try await backend.session(id, namespace: namespace(context))
        return try .json(MixpeekPatchSessionResponse(session_id: id.rawValue, updated_at: session.updatedAt))
    }

    @Sendable func terminate(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        _ = try await backend.execute(
            .terminate(TerminateSession(sessionID: id)), namespace: namespace(context),
            options: context.writeOptions(request))
        let session = try await backend.session(id, namespace: namespace(context))
        return try .json(
            MixpeekTerminateSessionResponse(
                session_id: id.rawValue, status: SessionStatus.terminated.rawValue,
                terminated_at: session.terminatedAt ?? session.updatedAt))
    }

    @Sendable func history(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let limit = try request.integerQuery("limit", in: 1...200) ?? 50
        let offset = try request.integerQuery("offset", in: 0...Int.max) ?? 0
        _ = try await backend.session(id, namespace: namespace(context))
        guard let transcript = try await backend.store.transcript(id) else { throw SessionError.sessionNotFound(id) }
        let page = transcript.dropFirst(offset).prefix(limit).map(MixpeekHistoryResponse.Item.init)
        return try .json(
            MixpeekHistoryResponse(
                session_id: id.rawValue, messages: Array(page), total_messages: transcript.count,
                returned_messages: page.count, has_more: offset + page.count < transcript.count))
    }
}

/// The list's paging parameters: `limit` (alias `page_size`, `limit` wins; default 20, 1…1000), `offset`
/// (0…10000) or `page` (1-based), and `cursor` (aliases `next_cursor`, `after`; `cursor` wins) which, when
/// given, overrides the offset.
struct MixpeekPage {
    var limit: Int
    var offset: Int
    var cursor: String?

    init(_ request: Request) throws {
        limit = try request.integerQuery("limit", in: 1...1000) ?? request.integerQuery("page_size", in: 1...1000) ?? 20
        offset = try request.integerQuery("offset", in: 0...10_000) ?? 0
        if let page = try request.integerQuery("page", in: 1...Int(Int32.max)), request.uri.queryParameters.get("offset") == nil {
            offset = (page - 1) * limit
        }
        let query = request.uri.queryParameters
        cursor = [query.get("cursor"), query.get("next_cursor"), query.get("after")].compactMap { $0 }
            .first { !$0.isEmpty }
    }

    /// Where the page starts: after the cursor's session, else at the offset.
    /// - Parameter sort: The spelling of the request's sort, which the cursor must have been made for.
    func start(sort: String) throws -> SessionListQuery.Start {
        guard let cursor else { return .offset(offset) }
        return .after(try ListCursor.cursor(cursor, sort: sort))
    }
}
