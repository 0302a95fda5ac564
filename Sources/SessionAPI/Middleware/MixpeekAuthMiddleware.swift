import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <key>` and `X-Namespace` on the Mixpeek routes and records the namespace in
/// the context, so a session of another namespace answers 404.
///
/// With no keys configured (loopback only, see ``APIConfiguration/validate()``) any non-empty bearer token is
/// accepted; with keys, the token must be one of them.
struct MixpeekAuthMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext
    let apiKeys: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let authorization = request.headers[.authorization],
            authorization.lowercased().hasPrefix("bearer "),
            case let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces),
            !token.isEmpty
        else {
            throw APIError(
                status: .unauthorized, code: "missing_api_key",
                message: "Missing API key: send Authorization: Bearer <key>", field: "Authorization")
        }
        if !apiKeys.isEmpty && !apiKeys.contains(token) {
            throw APIError(status: .unauthorized, code: "invalid_api_key", message: "Invalid API key", field: "Authorization")
        }
        guard let namespace = request.headers[Self.namespaceHeader]?.trimmingCharacters(in: .whitespaces),
            !namespace.isEmpty
        else {
            throw APIError(
                status: .unauthorized, code: "missing_namespace",
                message: "Missing X-Namespace header", field: "X-Namespace")
        }
        var context = context
        context.namespace = namespace
        return try await next(request, context)
    }

    static let namespaceHeader = HTTPField.Name("X-Namespace")!
}
