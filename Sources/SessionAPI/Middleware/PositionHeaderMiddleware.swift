import Hummingbird

/// Puts `Sessiond-Position` on every answer of a face's routes, its errors included: the log position this node's
/// projections had applied when it answered — for a write, at least the write's own last position, since a write
/// answers only once it is applied (``PositionMiddleware``).
///
/// Added before the face's error middleware, so that it sees the error answers that middleware renders. A 401 goes
/// without it: a caller without a valid key learns nothing of the log, not even how far it has grown.
struct PositionHeaderMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    let backend: SessionBackend

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        if response.status != .unauthorized, let applied = backend.replay.appliedPosition {
            response.headers[PositionMiddleware.header] = String(applied.rawValue)
        }
        return response
    }
}
