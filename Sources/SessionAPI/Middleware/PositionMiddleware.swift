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
///
/// An as-of read by log position (`?position=P`, ``Projections/AsOf/position(_:)``) waits the same way for P, or for
/// the log's end when P lies past it: a node that has not applied P yet would otherwise answer a state missing
/// events at or before P as the state at P.
struct PositionMiddleware: RouterMiddleware {
    typealias Context = SessionRequestContext

    static let header = HTTPField.Name("Sessiond-Position")!
    static let queryParameter = "min_position"
    /// The as-of reads' log position (an unparsable one is refused by the route, ``Request/asOf()``).
    static let asOfParameter = "position"

    /// What a wanted position past the log's durable end means.
    enum PastTheEnd {
        /// A client's `Sessiond-Position` was never handed out that far: refused.
        case refused
        /// An as-of point past the end is the latest state: the end is waited for.
        case theEnd
    }

    let backend: SessionBackend
    /// How long a request waits for its position before it is answered 503 `position_not_reached`.
    var timeout: Duration = .seconds(5)
    /// How often the wait looks at the replay loop's progress.
    var pollInterval: Duration = .milliseconds(2)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let wanted = try Self.minimumPosition(of: request) {
            try await waitUntilApplied(wanted, pastTheEnd: .refused)
        }
        if let point = request.uri.queryParameters.get(Self.asOfParameter).flatMap({ UInt64($0) }) {
            try await waitUntilApplied(LogPosition(point), pastTheEnd: .theEnd)
        }
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

    /// Waits until the replay loop applied `wanted`, or what `pastTheEnd` says for a position past the log's
    /// durable end.
    private func waitUntilApplied(_ wanted: LogPosition, pastTheEnd: PastTheEnd) async throws {
        if let applied = backend.replay.appliedPosition, applied >= wanted { return }
        let end = try await backend.log.durableEnd()
        var position = wanted
        if position > end {
            guard pastTheEnd == .theEnd else {
                throw RequestBodyError.invalidParameter(
                    name: Self.header.rawName, reason: "position \(position) is past the end of the log (\(end))")
            }
            position = end
        }
        // Polled rather than `ReplayLoop.waitUntilApplied`, which answers a full projection disk at once: a read
        // waits here for the position whatever holds the loop up, and is 503 only after `timeout`.
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
