import Hummingbird
import Projections
import Sessions

/// `GET /v1/state?appName=&userId=`: an app's shared state without a session, as ADK's
/// `get_user_state` reads it — the `app:` keys and, with `userId`, that user's `user:` keys, prefixes kept —
/// in the namespace sessions are created in (the key's, or the server's default).
struct NativeSharedStateController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("state", use: read)
    }

    @Sendable func read(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let appName = parameters.get("appName"), !appName.isEmpty else {
            throw RequestBodyError.invalidParameter(name: "appName", reason: "appName is required")
        }
        let userID = parameters.get("userId").flatMap { $0.isEmpty ? nil : $0 }
        let namespace = context.namespace ?? backend.configuration.mixNamespace
        let state = try await backend.store.sharedState(namespace: namespace, appName: appName, userID: userID)
        return try .json(NativeSharedState(namespace: namespace, appName: appName, userId: userID, state: state))
    }
}

/// The answer of `GET /v1/state`.
struct NativeSharedState: Encodable {
    var namespace: String
    var appName: String
    var userId: String?
    var state: JSONObject
}
