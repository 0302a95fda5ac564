import Foundation
import Hummingbird

/// `/health` (any method): the Mix shape plus the projections' position and lag behind the log.
struct HealthController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        for method in [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete, .options] {
            group.on("health", method: method, use: health)
        }
    }

    @Sendable func health(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let (logEnd, applied, lag) = try await backend.projectionProgress()
        let body = Health(
            status: applied == nil ? "starting" : "ok", timestamp: backend.configuration.clock(),
            version: backend.configuration.version, environment: backend.configuration.environment,
            services: ["backend": "healthy", "database": applied == nil ? "starting" : "connected"],
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
