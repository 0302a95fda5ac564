import HTTPTypes
import Hummingbird
import Synchronization

/// Answers a request that matches no route in the envelope of the API its path belongs to — `/v1/agents/…`
/// Mixpeek's, any other `/v1/…` the native one, everything else Mix's — instead of Hummingbird's empty 404, so a
/// client reads it as it reads every other error: 405 `method_not_allowed` with `Allow` for a path served under other
/// methods, 404 `route_not_found` for any other.
struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    /// The routes to tell the two apart by; the router fills it once every route is added (``record(_:)``).
    private let routes = RouteTable()

    /// Keeps the router's routes (`Router.routes`), once they are all added.
    func record(_ routes: [Router<Context>.RouteDescription]) {
        self.routes.routes.withLock { $0 = routes.map { ($0.path, $0.method) } }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The router names the matched route's template before its middleware runs; only the fallback has none.
        guard context.endpointPath == nil else { return try await next(request, context) }
        let path = request.uri.path
        // A method the table names for this path would have matched: should the two ever disagree, say 404.
        let listed = routes.methods(serving: path)
        let allowed = listed.contains(request.method) ? [] : listed
        let error =
            allowed.isEmpty
            ? APIError(
                status: .notFound, code: "route_not_found", message: "No route for \(request.method.rawValue) \(path)")
            : APIError(
                status: .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(path); allowed: "
                    + allowed.map(\.rawValue).joined(separator: ", "))
        var response =
            if path == "/v1/agents" || path.hasPrefix("/v1/agents/") {
                try error.response(MixpeekErrorEnvelope(error))
            } else if path == "/v1" || path.hasPrefix("/v1/") {
                try error.response(NativeErrorEnvelope(error))
            } else {
                try error.response(MixErrorEnvelope(error))
            }
        if !allowed.isEmpty { response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ") }
        return response
    }
}

/// Route templates and their methods, matched against a request's path as the router's trie matches it.
private final class RouteTable: Sendable {
    let routes = Mutex<[(path: RouterPath, method: HTTPRequest.Method)]>([])

    /// The methods of the route the router resolves `path` to, sorted; none when it resolves to none.
    ///
    /// The trie takes, at each segment, a literal before a capture, and falls back to a lower one only when the
    /// higher one leads to no node at all: so the node is the highest of the templates (or their prefixes, which are
    /// nodes too) whose segments match, comparing the first segment where they differ — and `GET
    /// /v1/agents/sessions/list` resolves to the POST-only `list`, never to `:id`.
    func methods(serving path: String) -> [HTTPRequest.Method] {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.withLock { routes in
            let nodes = routes.compactMap { route -> [String]? in
                guard route.path.count >= components.count,
                    zip(route.path, components).allSatisfy({ $0 ~= $1 })
                else { return nil }
                return route.path.prefix(components.count).map(\.description)
            }
            guard let node = nodes.max(by: Self.ranksBelow) else { return [] }
            let methods = routes.filter { $0.path.map(\.description) == node }.map(\.method)
            return Set(methods).sorted { $0.rawValue < $1.rawValue }
        }
    }

    /// Whether the trie tries `lhs` after `rhs`: at the first segment where they differ, a capture (or wildcard)
    /// after a literal.
    private static func ranksBelow(_ lhs: [String], _ rhs: [String]) -> Bool {
        guard let (left, right) = zip(lhs, rhs).first(where: { $0 != $1 }) else { return false }
        return !isLiteral(left) && isLiteral(right)
    }

    private static func isLiteral(_ segment: String) -> Bool {
        !segment.contains("{") && !segment.contains("*")
    }
}
