import Blobs
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import LogStores
import Logging
import Projections
import ServiceLifecycle
import Sessions

/// The application type ``buildApplication(configuration:)`` returns.
public typealias SessionApplication = Application<RouterResponder<SessionRequestContext>>

/// Builds the sessiond HTTP daemon: opens the log and the projections under the data directory, and wires the
/// Mix, Mixpeek and native APIs, `/health` and the SSE streams onto one router.
///
/// The application's service group runs, in order, the log (closed last), the replay loop, the API keys' exchange
/// beside a shared log (``APIKeyExchangeService``), the periodic compaction (unless ``APIConfiguration/compactionInterval`` is `nil`), then Hummingbird's HTTP server; the server starts only once the projections have caught up with the log's durable end, and
/// on SIGINT/SIGTERM the server drains first, then the replay loop commits its batch, then the log closes.
/// `sessiond serve` and the tests both call this.
/// - Parameter configuration: Where to listen, where the data lives, and the limits.
/// - Returns: The application; run it with `runService()`, or test it with HummingbirdTesting.
/// - Throws: ``APIConfigurationError`` for a configuration that must not be served (off loopback without an
///   active key), ``APIKeyStoreError`` for an unreadable key file, `EventLogError` when the
///   log cannot be opened (locked, corrupt), `ProjectionError` when the projections cannot.
public func buildApplication(configuration: APIConfiguration) async throws -> SessionApplication {
    let keyStore = APIKeyStore(directory: configuration.dataDirectory)
    // A node of its own log is refused before anything opens; a node of a shared log gets the other nodes' keys
    // first (below).
    if case .postgres = configuration.logLocation {} else { _ = try makeKeyring(keyStore, configuration) }
    let openAPI = try OpenAPIController()
    let console = try ConsoleController()
    let logger = configuration.logger
    let backend = try await SessionBackend.open(configuration: configuration)
    let log = backend.log, replay = backend.replay
    let keyExchange = APIKeyExchange(beside: log, store: keyStore)
    let keyring: APIKeyring
    do {
        try await keyExchange?.exchange()
        keyring = try makeKeyring(keyStore, configuration)
    } catch {
        await log.close()
        backend.dataDirectoryLock?.release()
        throw error
    }
    if keyring.allRevoked {
        logger.warning("every API key is revoked: every API request is refused until a key is created")
    }
    let router = makeRouter(backend: backend, keyring: keyring, openAPI: openAPI, console: console)

    var services: [any Service] = [LogService(log: log, dataDirectoryLock: backend.dataDirectoryLock), replay]
    if let keyExchange { services.append(APIKeyExchangeService(exchange: keyExchange, logger: logger)) }
    if let interval = configuration.compactionInterval {
        var erasure = PermanentErasure.Configuration()
        erasure.blobGracePeriod = configuration.blobGracePeriod
        erasure.logger = logger
        services.append(
            CompactionService(
                erasure: PermanentErasure(log: log, store: backend.store, blobs: backend.blobs, configuration: erasure),
                interval: interval, logger: logger))
    }
    var app = Application(
        router: router,
        server: .http1OnEventLoops(idleTimeout: configuration.connectionIdleTimeout),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
        services: services,
        eventLoopGroupProvider: configuration.eventLoopGroup.map { .shared($0) } ?? .singleton,
        logger: logger)
    app.beforeServerStarts {
        let end = try await log.durableEnd()
        try await replay.waitUntilApplied(end)
        logger.info("projections caught up", metadata: ["log.position": "\(end)"])
    }
    return app
}

/// The router with every route, its middleware (metrics outermost, CORS, request log, the unknown route's 404 or 405)
/// and each face's error envelope and authentication.
func makeRouter(
    backend: SessionBackend,
    keyring: APIKeyring,
    openAPI: OpenAPIController,
    console: ConsoleController = ConsoleController(files: [:])
) -> Router<SessionRequestContext> {
    let router = Router(context: SessionRequestContext.self)
    let metrics = HTTPMetrics()
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: CORSMiddleware(
        allowOrigin: .all,
        allowHeaders: [.contentType, .authorization, HTTPField.Name("X-Requested-With")!, APIKeyMiddleware.namespaceHeader,
                       .ifMatch, SessionRequestContext.idempotencyKey, .lastEventID, PositionMiddleware.header],
        allowMethods: [.get, .post, .put, .patch, .delete, .options],
        maxAge: .seconds(86_400)))
    router.add(middleware: ExposedHeadersMiddleware())
    router.add(middleware: RequestLogMiddleware())
    let unknownRoutes = UnknownRouteMiddleware()
    router.add(middleware: unknownRoutes)
    let auth = APIKeyMiddleware(keyring: keyring)
    let position = PositionMiddleware(backend: backend)
    let positionHeader = PositionHeaderMiddleware(backend: backend)

    let mix = router.group("api").add(middleware: positionHeader).add(middleware: MixErrorMiddleware())
        .add(middleware: auth).add(middleware: position)
    MixSessionsController(backend: backend).addRoutes(to: mix)
    MixMessagesController(backend: backend).addRoutes(to: mix)
    MixFilesController(backend: backend).addRoutes(to: mix)
    // Open to anyone: probes and the API's description hold no session data.
    let unauthenticated = router.group().add(middleware: MixErrorMiddleware())
    HealthController(backend: backend).addRoutes(to: unauthenticated)
    openAPI.addRoutes(to: unauthenticated)
    // The console's files hold no session data; the page asks the API for everything with the user's key.
    console.addRoutes(to: unauthenticated)
    let root = router.group().add(middleware: positionHeader).add(middleware: MixErrorMiddleware())
        .add(middleware: auth).add(middleware: position)
    MixStreamController(backend: backend).addRoutes(to: root)
    MetricsController(backend: backend, http: metrics).addRoutes(to: root)
    let mixpeek = router.group("v1/agents/sessions")
        .add(middleware: positionHeader)
        .add(middleware: MixpeekErrorMiddleware())
        .add(middleware: APIKeyMiddleware(keyring: keyring, requiresNamespaceHeader: true))
        .add(middleware: position)
    MixpeekSessionsController(backend: backend).addRoutes(to: mixpeek)
    let native = router.group("v1").add(middleware: positionHeader).add(middleware: NativeErrorMiddleware())
        .add(middleware: auth).add(middleware: position)
    NativeSessionsController(backend: backend).addRoutes(to: native)
    NativeEventsController(backend: backend).addRoutes(to: native)
    NativeItemsController(backend: backend).addRoutes(to: native)
    NativeSharedStateController(backend: backend).addRoutes(to: native)
    NativeAppendsController(backend: backend).addRoutes(to: native)
    unknownRoutes.record(router.routes)
    return router
}

/// The keys `store` holds, once `configuration` may be served with them (off loopback only with an active key).
private func makeKeyring(_ store: APIKeyStore, _ configuration: APIConfiguration) throws -> APIKeyring {
    let keyring = try APIKeyring(store: store, requiresKeys: !configuration.isLoopback)
    try configuration.validate(hasKeys: keyring.hasKeys)
    return keyring
}
