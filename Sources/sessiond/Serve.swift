import ArgumentParser
import EventLog
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresLog
import Projections
import SessionAPI
import ServiceLifecycle

/// `sessiond serve`: the daemon. Opens the log and the projections, catches the projections up, then serves
/// the Mix, Mixpeek and native HTTP APIs until SIGINT or SIGTERM, and shuts down in order: the server drains,
/// the replay loop commits, the log closes.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP APIs on a data directory until interrupted.")

    @OptionGroup var log: LogOptions

    @Option(
        help: ArgumentHelp(
            "The address to listen on; anything but a loopback address or localhost (a name under .localhost is "
                + "not) needs an API key (sessiond keys create).",
            valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The TCP port (0 picks a free one).", valueName: "port"))
    var port = 8088

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp("Seconds of inactivity after which a session reports status 'idle'.", valueName: "seconds"))
    var idleTimeout: Double = 15 * 60

    @Option(
        name: .customLong("connection-idle-timeout"),
        help: ArgumentHelp(
            "Seconds a connection may send nothing, with no answer on its way, before it is closed (0: never). "
                + "A live event stream being answered is not idle.",
            valueName: "seconds"))
    var connectionIdleTimeout: Double = 75

    @Option(
        name: .customLong("body-read-timeout"),
        help: ArgumentHelp(
            "Seconds a request's body may take to arrive once it is read (a file upload's: once its turn came); "
                + "past it 408, nothing recorded. A body trickled in never looks idle, and would otherwise hold its "
                + "connection (an upload, one of the four upload slots) for as long as it trickles.",
            valueName: "seconds"))
    var bodyReadTimeout: Double = 120

    @Option(
        name: .customLong("compact-interval"),
        help: ArgumentHelp(
            "Seconds between runs that erase permanently deleted sessions from disk (0: never; `sessiond compact` "
                + "does it by hand). Default 3600: a run with deletes rewrites sealed segments and vacuums the "
                + "projection database, so once an hour at most.",
            valueName: "seconds"))
    var compactInterval: Double = 3600

    @Option(
        name: .customLong("compact-blob-grace"),
        help: ArgumentHelp(
            "Seconds an unreferenced file blob is kept before compaction removes it (uploads in flight).",
            valueName: "seconds"))
    var compactBlobGrace: Double = 10 * 60

    @Option(
        name: .customLong("state-cache-mib"),
        help: ArgumentHelp(
            "MiB of session states kept in memory for writes (without message contents: about 200 bytes a "
                + "message). Sessions written at once that hold more are refolded from the log on each write.",
            valueName: "MiB"))
    var stateCacheMiB = 16

    @Option(
        name: .customLong("export-cache-mib"),
        help: ArgumentHelp(
            "MiB of sessions' latest JSON exports kept in memory, so that loading an unchanged transcript again "
                + "renders nothing; an export above a quarter of it is not kept (0: none).",
            valueName: "MiB"))
    var exportCacheMiB = 32

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard bodyReadTimeout > 0, bodyReadTimeout <= 86_400 else {
            throw ValidationError("--body-read-timeout must be positive and at most 86400 seconds")
        }
        guard connectionIdleTimeout >= 0, connectionIdleTimeout <= 86_400 else {
            throw ValidationError("--connection-idle-timeout must be 0 (never) or at most 86400 seconds")
        }
        guard compactInterval >= 0, compactInterval <= 366 * 86_400 else {
            throw ValidationError("--compact-interval must be 0 (never) or at most a year, in seconds")
        }
        guard compactBlobGrace >= 0 else { throw ValidationError("--compact-blob-grace must not be negative") }
        guard (1...1 << 20).contains(stateCacheMiB) else {
            throw ValidationError("--state-cache-mib must be between 1 and 1048576")
        }
        guard (0...1 << 20).contains(exportCacheMiB) else {
            throw ValidationError("--export-cache-mib must be between 0 and 1048576")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { DeferredMetadataLogHandler(label: $0) }
        var logger = Logger(label: "sessiond")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = APIConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = log.dataDirectory
        configuration.logLocation = log.location
        configuration.durability = log.durability
        configuration.segmentSize = log.segmentSize
        configuration.idleTimeout = idleTimeout
        configuration.bodyReadTimeout = .milliseconds(Int64(bodyReadTimeout * 1000))
        configuration.connectionIdleTimeout =
            connectionIdleTimeout > 0 ? .milliseconds(Int64(connectionIdleTimeout * 1000)) : nil
        configuration.compactionInterval = compactInterval > 0 ? .milliseconds(Int64(compactInterval * 1000)) : nil
        configuration.blobGracePeriod = compactBlobGrace
        configuration.stateCacheBytes = stateCacheMiB << 20
        configuration.exportCacheBytes = exportCacheMiB << 20
        configuration.logger = logger
        let app: SessionApplication
        do {
            app = try await buildApplication(configuration: configuration)
        } catch {
            let message =
                switch error {
                case let error as APIConfigurationError: error.description
                case let error as APIKeyStoreError: error.description
                case let error as EventLogError: error.description
                case let error as PostgresLogError: error.description
                case let error as ProjectionError: error.description
                default: "\(error)"
                }
            FileHandle.standardError.write(Data("sessiond: \(message)\n".utf8))
            throw ExitCode.failure
        }
        do {
            var group = ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(10)
            try await ServiceGroup(configuration: group).run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            // The server binds last, once the projections caught up: a port in use surfaces here.
            FileHandle.standardError.write(
                Data("sessiond: cannot listen on \(host):\(port): \(String(cString: strerror(error.errnoCode)))\n".utf8))
            throw ExitCode.failure
        }
        logger.info("stopped")
    }
}
