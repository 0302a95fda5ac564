import Hummingbird
import Logging

/// Logs each request once it is answered: method, path, status and duration, with Hummingbird's request id.
/// Never logs bodies, query strings or headers (they may hold prompts or keys).
///
/// At debug level (`serve --log-level debug`): a line per request at info cost more CPU than the append it
/// describes, and failures are logged where they are turned into error envelopes (`APIError.logged`).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.debug(
            "request",
            metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                "http.status": "\(response.status.code)",
                "http.duration_ms": "\(elapsed.seconds * 1000)",
            ])
        return response
    }
}
