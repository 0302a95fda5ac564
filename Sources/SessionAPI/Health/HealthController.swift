import Foundation
import Hummingbird
import Projections

/// `/health` (any method): the Mix shape plus the projections' position and lag behind the log.
///
/// It answers 200 whenever the node serves reads, which it does only once the projections caught up (the server
/// listens after that), and says `degraded` when a part does not work, rather than failing, which would make a load
/// balancer drain every node at once (decisions 0170, 0174):
/// - a log it cannot reach within ``SessionBackend/logEndTimeout`` (PostgreSQL restarting or unreachable: every
///   node's writes answer 503 then, while reads keep serving) is `services.database` `unavailable`, with the position
///   it applied as the log's end;
/// - a replay loop that does not apply the log (``Projections/ReplayLoop/Condition``: a full projection disk, where
///   writes answer 507 while reads keep serving, or a loop that ended) is named by `services.projection`
///   (`disk_full`, `failed`, `stopped`; `running` otherwise), its lag growing with the log.
struct HealthController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete, .options] {
            group.on("health", method: method, use: health)
        }
    }

    @Sendable func health(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let reached = await backend.durableEnd()
        let (logEnd, applied, lag) = backend.projectionProgress(logEnd: reached)
        let replay = backend.replay.condition
        let body = Health(
            status: reached == nil || replay != .running ? "degraded" : "ok",
            timestamp: backend.configuration.clock(),
            version: backend.configuration.version, environment: backend.configuration.environment,
            services: [
                "backend": "healthy",
                "database": reached == nil ? "unavailable" : "connected",
                "projection": replay.rawValue,
            ],
            projection: .init(position: applied ?? 0, logEnd: logEnd, lag: lag))
        return try .json(body)
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
