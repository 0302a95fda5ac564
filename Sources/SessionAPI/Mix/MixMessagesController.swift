import Foundation
import Hummingbird
import Projections
import Sessions

/// Mix messages: a session's transcript, sending a user message (202, marks the session processing) and the
/// user-message history across sessions (mix-api.md §2.9).
struct MixMessagesController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("sessions/:id/messages", use: list)
        group.post("sessions/:id/messages", use: send)
        group.get("messages/history", use: history)
    }

    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        _ = try await backend.session(id, namespace: context.namespace)
        guard let messages = try await backend.store.transcript(id) else { throw SessionError.sessionNotFound(id) }
        return try await offTheLoop(if: messages.count > OffTheLoopThreshold.items) {
            try Response.json(messages.map { MixBackendMessage($0, sessionID: id) })
        }
    }

    @Sendable func send(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let body = try await request.readJSON(
            as: MixSendMessageRequest.self, limit: backend.configuration.maximumBodyBytes,
            timeout: backend.configuration.bodyReadTimeout,
            allowedKeys: MixSendMessageRequest.keys)
        let command = SendUserMessage(
            sessionID: id, text: body.text, planMode: body.planMode ?? false, thinkingLevel: body.thinkingLevel,
            maxSteps: body.maxSteps)
        _ = try await backend.execute(
            .sendUserMessage(command), namespace: context.namespace, options: context.writeOptions(request))
        return try .json(MixSendResponse(status: "processing", sessionId: id.rawValue), status: .accepted)
    }

    /// User messages of every session, newest first; `limit` defaults to 50 and `offset` to 0, and bad values
    /// fall back to the defaults (never 400, as the real server).
    @Sendable func history(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 50
        let offset = request.uri.queryParameters.get("offset").flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil } ?? 0
        // One query for the page (it scans the user messages of every session, in SQLite, not their transcripts).
        let page = try await backend.store.userMessages(namespace: context.namespace, limit: limit, offset: offset)
        return try await offTheLoop(if: page.count > OffTheLoopThreshold.items) {
            try Response.json(page.map { MixBackendMessage($0.message, sessionID: $0.session) })
        }
    }
}

/// `POST /api/sessions/{id}/messages` answer.
struct MixSendResponse: Encodable {
    var status: String
    var sessionId: String
}
