import Hummingbird

/// Answers a request that matches no route with a 404 in the envelope of the API its path belongs to —
/// `/v1/agents/…` Mixpeek's, any other `/v1/…` the native one, everything else Mix's — instead of Hummingbird's empty
/// 404, so a client reads it as it reads every other error. A path that exists under another method is a 404 too:
/// the router does not say which methods a path has.
struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The router names the matched route's template before its middleware runs; only the fallback has none.
        guard context.endpointPath == nil else { return try await next(request, context) }
        let error = APIError(
            status: .notFound, code: "route_not_found",
            message: "No route for \(request.method.rawValue) \(request.uri.path)")
        let path = request.uri.path
        if path == "/v1/agents" || path.hasPrefix("/v1/agents/") { return try error.response(MixpeekErrorEnvelope(error)) }
        if path == "/v1" || path.hasPrefix("/v1/") { return try error.response(NativeErrorEnvelope(error)) }
        return try error.response(MixErrorEnvelope(error))
    }
}
