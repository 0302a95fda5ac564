import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Projections
import Synchronization
import Testing
import TestSupport

@testable import SessionAPI

/// `/health` says `degraded`, still with 200 (decision 0170), while a part of the node does not work and reads keep
/// serving — a log that does not answer, a projection disk that is full — and `/metrics` keeps answering meanwhile.
struct HealthTests {
    @Test func healthIsDegradedWhileTheProjectionDiskIsFull() async throws {
        let disk = ProjectionDisk(full: true)
        try await withHealthApplication(replay: disk.replay) { client, backend in
            let created = try await client.execute(
                uri: "/v1/sessions", method: .post, body: jsonBody(#"{"sessionId":"full","title":"t"}"#))
            // In the log but not applied: the write says so at once rather than waiting for space.
            #expect(created.status.code == 507)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "degraded")
            let services = try #require(health.json["services"] as? [String: Any])
            #expect(services["projection"] as? String == "disk_full")
            #expect(services["database"] as? String == "connected")
            let projection = try #require(health.json["projection"] as? [String: Any])
            #expect((projection["lag"] as? Int ?? 0) > 0)

            // Space returns: the next retry applies the batch, and the node is healthy again without a restart.
            disk.full.withLock { $0 = false }
            while backend.replay.condition != .running { try await Task.sleep(for: .milliseconds(5)) }
            let healed = try await client.execute(uri: "/health", method: .get)
            #expect(healed.json["status"] as? String == "ok")
            #expect((healed.json["services"] as? [String: Any])?["projection"] as? String == "running")
        }
    }

    @Test func healthAndMetricsAnswerWhileTheLogDoesNotAnswer() async throws {
        try await withHealthApplication { client, backend in
            let created = try await client.execute(
                uri: "/v1/sessions", method: .post, body: jsonBody(#"{"sessionId":"quiet","title":"t"}"#))
            #expect(created.status == .created)
            let log = try #require(backend.log as? OutageLogStore)
            log.stalls.withLock { $0 = true }
            let started = ContinuousClock.now

            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "degraded")
            let services = try #require(health.json["services"] as? [String: Any])
            #expect(services["database"] as? String == "unavailable")
            #expect(services["projection"] as? String == "running")

            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            let applied = MetricsTests.value(text, "sessiond_replay_applied_position")
            #expect((applied ?? 0) > 0)
            // The applied position stands for the log's end it could not learn.
            #expect(MetricsTests.value(text, "sessiond_log_durable_end_position") == applied)
            #expect(MetricsTests.value(text, "sessiond_replay_lag_positions") == 0)
            // Each waited at most 0.75 s for the log, not the 5 s the log takes to fail.
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }
}

/// A projection disk a test fills and empties: while it is full the replay loop's commits fail as they do on
/// SQLite's SQLITE_FULL (the batch rolls back, and the loop retries it every 10 ms).
final class ProjectionDisk: Sendable {
    let full: Mutex<Bool>

    init(full: Bool) { self.full = Mutex(full) }

    /// A replay loop's configuration on this disk.
    var replay: ReplayLoop.Configuration {
        var replay = ReplayLoop.Configuration()
        replay.diskFullRetryDelay = .milliseconds(10)
        replay.beforeCommit = { [self] _ in
            if full.withLock({ $0 }) { throw ProjectionError.diskFull(operation: "apply") }
        }
        return replay
    }
}

/// Runs `body` against the router over a backend opened on a fresh data directory, as `withTestApplication` does,
/// but with its log wrapped in an `OutageLogStore` and its replay loop configured by `replay` (a test hook that
/// fills the disk); the loop runs in the application's services, as the daemon's does.
func withHealthApplication<T>(
    replay: ReplayLoop.Configuration = ReplayLoop.Configuration(),
    _ body: @Sendable (any TestClientProtocol, SessionBackend) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        let configuration = testConfiguration(dataDirectory: directory)
        let opened = try await SessionBackend.open(configuration: configuration)
        let log = OutageLogStore(opened.log)
        var replay = replay
        let responses = opened.responses
        replay.afterCommit = { responses.committed($0.changes()) }
        let loop = ReplayLoop(store: opened.store, log: log, configuration: replay)
        let backend = SessionBackend(
            log: log, store: opened.store, replay: loop, writer: SessionWriter(log: log, replay: loop),
            blobs: opened.blobs, configuration: configuration, responses: responses,
            dataDirectoryLock: opened.dataDirectoryLock)
        let router = makeRouter(
            backend: backend, keyring: try APIKeyring(store: APIKeyStore(directory: directory)),
            openAPI: try OpenAPIController())
        let app = Application(
            router: router,
            services: [LogService(log: opened.log, dataDirectoryLock: opened.dataDirectoryLock), loop],
            logger: configuration.logger)
        return try await app.test(.router) { client in try await body(client, backend) }
    }
}
