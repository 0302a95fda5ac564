import Hummingbird

/// Counts every request in ``HTTPMetrics`` with its route template, status and latency (until the response
/// head; a streamed body such as SSE is not included). The outermost middleware, so it sees every status,
/// including an error that escaped the faces' envelopes.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            record(request, route: route, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, route: route, status: status, since: start)
            throw error
        }
    }

    private func record(_ request: Request, route: String, status: Int, since start: ContinuousClock.Instant) {
        metrics.record(
            method: request.method.rawValue, route: route, status: status, seconds: (ContinuousClock.now - start).seconds)
    }
}
