import EventLog
import Foundation
import Hummingbird

/// `/health` (any method): the Mix shape plus the projections' position and lag behind the log.
///
/// It answers 200 whenever the node serves reads. A log it cannot reach within ``logTimeout`` (PostgreSQL restarting
/// or unreachable: every node's writes answer 503 then, while reads keep serving) makes it `degraded`, with
/// `services.database` `unavailable` and the position it applied as the log's end, rather than a failure that would make a load
/// balancer drain every node at once.
struct HealthController {
    let backend: SessionBackend
    /// How long the probe waits for the log's end: below a load balancer's or Kubernetes' probe timeout (1 s by default).
    var logTimeout: Duration = .milliseconds(750)

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete, .options] {
            group.on("health", method: method, use: health)
        }
    }

    @Sendable func health(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let reached = await Self.durableEnd(of: backend.log, within: logTimeout)
        let (logEnd, applied, lag) = backend.projectionProgress(logEnd: reached)
        let status = applied == nil ? "starting" : reached == nil ? "degraded" : "ok"
        let body = Health(
            status: status, timestamp: backend.configuration.clock(),
            version: backend.configuration.version, environment: backend.configuration.environment,
            services: [
                "backend": "healthy",
                "database": reached == nil ? "unavailable" : applied == nil ? "starting" : "connected",
            ],
            projection: .init(position: applied ?? 0, logEnd: logEnd, lag: lag))
        return try .json(body)
    }

    /// The log's durable end, or `nil` when it fails or takes longer than `timeout` (the query is then cancelled,
    /// so probes during an outage do not pile up waiting for connections).
    static func durableEnd(of log: any LogStore, within timeout: Duration) async -> UInt64? {
        let (answers, answer) = AsyncStream.makeStream(of: UInt64?.self)
        let query = Task { answer.yield(try? await log.durableEnd().rawValue) }
        let timer = Task {
            try await Task.sleep(for: timeout)
            answer.yield(nil)
        }
        defer {
            query.cancel()
            timer.cancel()
        }
        for await first in answers { return first }
        return nil
    }
}

/// The `/health` body.
struct Health: Encodable {
    struct Projection: Encodable {
        var position: UInt64
        var logEnd: UInt64
        var lag: UInt64
    }
    var status: String
    var timestamp: Date
    var version: String
    var environment: String
    var services: [String: String]
    var projection: Projection
}
