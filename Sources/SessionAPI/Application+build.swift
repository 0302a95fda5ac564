import Blobs
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Projections
import ServiceLifecycle
import Sessions

/// The application type ``buildApplication(configuration:)`` returns.
public typealias SessionApplication = Application<RouterResponder<SessionRequestContext>>

/// Builds the sessiond HTTP daemon: opens the log and the projections under the data directory, and wires the
/// Mix, Mixpeek and native APIs, `/health` and the SSE streams onto one router.
///
/// The application's service group runs, in order, the log (closed last), the replay loop, then Hummingbird's
/// HTTP server; the server starts only once the projections have caught up with the log's durable end, and
/// on SIGINT/SIGTERM the server drains first, then the replay loop commits its batch, then the log closes.
/// `sessiond serve` and the tests both call this.
/// - Parameter configuration: Where to listen, where the data lives, and the limits.
/// - Returns: The application; run it with `runService()`, or test it with HummingbirdTesting.
/// - Throws: ``APIConfigurationError`` for a configuration that must not be served, `EventLogError` when the
///   log cannot be opened (locked, corrupt), `ProjectionError` when the projections cannot.
public func buildApplication(configuration: APIConfiguration) async throws -> SessionApplication {
    try configuration.validate()
    let logger = configuration.logger
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    var logConfiguration = EventLog.Configuration(durability: configuration.durability)
    logConfiguration.logger = logger
    let log = try EventLog(directory: configuration.dataDirectory, configuration: logConfiguration)
    let report = log.recoveryReport
    logger.info(
        "log open",
        metadata: [
            "log.directory": "\(configuration.dataDirectory)", "log.records": "\(report.records)",
            "log.segments": "\(report.segments)", "log.truncated_bytes": "\(report.truncatedBytes)",
            "log.durability": "\(configuration.durability.rawValue)",
        ])
    let store: ProjectionStore
    do {
        var storeConfiguration = ProjectionStore.Configuration()
        storeConfiguration.logger = logger
        storeConfiguration.idleTimeout = configuration.idleTimeout
        storeConfiguration.clock = configuration.clock
        store = try await ProjectionStore.open(
            path: configuration.dataDirectory + "/projection.sqlite", log: log, configuration: storeConfiguration)
    } catch {
        await log.close()
        throw error
    }
    var replayConfiguration = ReplayLoop.Configuration()
    replayConfiguration.logger = logger
    let replay = ReplayLoop(store: store, log: log, configuration: replayConfiguration)
    var writerConfiguration = SessionWriter.Configuration()
    let clock = configuration.clock
    writerConfiguration.makeContext = { DecisionContext(now: clock()) }
    let writer = SessionWriter(log: log, replay: replay, configuration: writerConfiguration)
    let backend = SessionBackend(
        log: log, store: store, replay: replay, writer: writer,
        blobs: BlobStore(root: configuration.dataDirectory + "/blobs"), configuration: configuration)

    let router = Router(context: SessionRequestContext.self)
    router.add(middleware: CORSMiddleware(
        allowOrigin: .all,
        allowHeaders: [.contentType, .authorization, HTTPField.Name("X-Requested-With")!, HTTPField.Name("X-Namespace")!,
                       .ifMatch, SessionRequestContext.idempotencyKey, .lastEventID],
        allowMethods: [.get, .post, .put, .patch, .delete, .options],
        maxAge: .seconds(86_400)))
    router.add(middleware: RequestLogMiddleware())
    addRoutes(to: router, backend: backend)

    var app = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
        services: [LogService(log: log), replay],
        logger: logger)
    app.beforeServerStarts {
        let end = try await log.durableEnd()
        try await replay.waitUntilApplied(end)
        logger.info("projections caught up; serving", metadata: ["log.position": "\(end)"])
    }
    return app
}

/// Registers every route group with its error envelope.
func addRoutes(to router: Router<SessionRequestContext>, backend: SessionBackend) {
    let mix = router.group("api").add(middleware: MixErrorMiddleware())
    MixSessionsController(backend: backend).addRoutes(to: mix)
    MixMessagesController(backend: backend).addRoutes(to: mix)
    MixFilesController(backend: backend).addRoutes(to: mix)
    let root = router.group().add(middleware: MixErrorMiddleware())
    MixStreamController(backend: backend).addRoutes(to: root)
    HealthController(backend: backend).addRoutes(to: root)
    let mixpeek = router.group("v1/agents/sessions")
        .add(middleware: MixpeekErrorMiddleware())
        .add(middleware: MixpeekAuthMiddleware(apiKeys: Set(backend.configuration.apiKeys)))
    MixpeekSessionsController(backend: backend).addRoutes(to: mixpeek)
    let native = router.group("v1").add(middleware: NativeErrorMiddleware())
    NativeSessionsController(backend: backend).addRoutes(to: native)
    NativeEventsController(backend: backend).addRoutes(to: native)
}
