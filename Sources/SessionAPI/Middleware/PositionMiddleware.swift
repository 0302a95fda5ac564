import EventLog
import HTTPTypes
import Hummingbird

/// Read-your-writes across nodes that share one log (docs/scaling.md).
///
/// Every answer carries `Sessiond-Position` (``PositionHeaderMiddleware``): the log position this node's projections
/// had applied when it answered. A client that sends it back (the same header, or the `min_position` query
/// parameter) to any node makes that node wait here until its projections reach the position before the request is
/// handled, so a read on node B sees what node A just wrote. On a single node every position a client holds is
/// already applied and nothing waits.
struct PositionMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    static let header = HTTPField.Name("Sessiond-Position")!
    static let queryParameter = "min_position"

    let backend: SessionBackend
    /// How long a request waits for its position before it is answered 503 `position_not_reached`.
    var timeout: Duration = .seconds(5)
    /// How often the wait looks at the replay loop's progress.
    var pollInterval: Duration = .milliseconds(2)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let wanted = try Self.minimumPosition(of: request) { try await waitUntilApplied(wanted) }
        return try await next(request, context)
    }

    /// The position the request asks for, from the header or else the query parameter.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for a value that is not a log position.
    static func minimumPosition(of request: Request) throws -> LogPosition? {
        var name = header.rawName
        var text = request.headers[header]
        if text == nil {
            name = queryParameter
            text = request.uri.queryParameters.get(queryParameter).map { String($0) }
        }
        guard let text else { return nil }
        guard let value = UInt64(text) else {
            throw RequestBodyError.invalidParameter(name: name, reason: "\(name) must be a log position")
        }
        return LogPosition(value)
    }

    /// Waits until the replay loop applied `position`. A position past the log's durable end was never handed out:
    /// it is refused at once rather than waited for.
    private func waitUntilApplied(_ position: LogPosition) async throws {
        if let applied = backend.replay.appliedPosition, applied >= position { return }
        let end = try await backend.log.durableEnd()
        guard position <= end else {
            throw RequestBodyError.invalidParameter(
                name: Self.header.rawName, reason: "position \(position) is past the end of the log (\(end))")
        }
        // The replay loop's wait cannot be cancelled, so a bounded wait polls its progress instead.
        let deadline = ContinuousClock.now + timeout
        while (backend.replay.appliedPosition ?? .zero) < position {
            guard ContinuousClock.now < deadline else {
                throw APIError(
                    status: .serviceUnavailable, code: "position_not_reached",
                    message: "this node has not yet applied log position \(position); retry shortly")
            }
            try await Task.sleep(for: pollInterval)
        }
    }
}
