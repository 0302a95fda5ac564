import ArgumentParser
import EventLog
import Foundation
import LogStores
import Logging
import Projections
import Sessions

/// What the maintenance commands share: they open the log themselves (taking the data directory's lock, so
/// they run while the daemon is stopped) and the projection database beside it.
enum OfflineProjection {
    /// The projection database of a data directory.
    static func databasePath(in dataDirectory: String) -> String { dataDirectory + "/projection.sqlite" }

    /// Help text every maintenance command carries.
    static let daemonNote = """
        Opens the log itself and takes the data directory's lock: run it while `sessiond serve` is stopped \
        (a running daemon holds the lock and the command exits with a message naming it). With --log \
        postgres://… the log is shared and may stay in use by other running nodes; --data names this node's \
        projection, and the node serving that directory must be stopped.
        """

    /// Help text the commands that only read the log carry (verify, export, events).
    static let readOnlyNote = """
        The log is opened read-only: nothing in it is written, cut or created. A torn tail of the newest segment (a \
        last write that was never acknowledged) is not part of the log either way: it is left in place, with a \
        warning, and `serve`, `rebuild` or `compact` cuts it when it opens the log. On PostgreSQL the schema must be \
        at this build's version (it is neither created nor migrated) and the connections are read-only.
        """

    /// A logger on standard error, at notice level, for maintenance commands.
    static func makeLogger() -> Logger {
        LoggingSystem.bootstrap { DeferredMetadataLogHandler(label: $0) }
        var logger = Logger(label: "sessiond")
        logger.logLevel = .notice
        return logger
    }

    /// Opens the log of `options`, mapping operator errors to one line and exit status 1. Its directory must
    /// exist (``requireExisting(_:_:)``).
    /// - Parameter readOnly: Open it read-only (``EventLog/EventLog/Configuration/isReadOnly``): for the commands
    ///   that only read it, which must not change a byte of it — cut a torn tail, create a segment, migrate a schema.
    static func openLog(_ options: LogOptions, logger: Logger, readOnly: Bool) async throws -> any LogStore {
        if options.logLocation == nil {
            try requireExisting(
                options.location,
                "no data directory at \(options.dataDirectory) (`sessiond serve --data \(options.dataDirectory)` creates one)")
        } else {
            try requireExisting(options.location, "no log directory at \(options.location)")
        }
        do {
            // A log elsewhere does not lock the data directory: the command does, for the command's lifetime, so
            // that it never works on a serving node's projection (the lock is given up when the process ends).
            if FileManager.default.fileExists(atPath: options.dataDirectory) {
                _ = try options.location.lockDataDirectory(options.dataDirectory)
            }
            var configuration = options.configuration(logger: logger)
            configuration.isReadOnly = readOnly
            return try await options.location.open(configuration: configuration)
        } catch {
            return try exitOnOperatorError { () throws -> any LogStore in throw error }
        }
    }

    /// Opens the projection store (rebuilt if missing or of an older schema) and applies what the log holds
    /// past its checkpoint.
    static func openCaughtUp(_ log: any LogStore, options: LogOptions, logger: Logger) async throws -> ProjectionStore {
        var configuration = ProjectionStore.Configuration()
        configuration.logger = logger
        let store = try await ProjectionStore.open(
            path: databasePath(in: options.dataDirectory), log: log, configuration: configuration)
        _ = try await store.catchUp(from: log)
        return store
    }

    /// Exits with `message` (status 1) when `location` is a directory that does not exist: opening it would create
    /// an empty log, and a mistyped path would then answer "not found" for every session, or copy nothing and
    /// call the copy equal, instead of naming the typo.
    static func requireExisting(_ location: LogLocation, _ message: @autoclosure () -> String) throws {
        guard case .directory(let path) = location else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        FileHandle.standardError.write(Data("sessiond: \(message())\n".utf8))
        throw ExitCode.failure
    }

    /// Runs `body`; a failure an operator can act on is printed as one line on standard error and exits
    /// with status 1. The log is closed either way.
    static func run(_ log: any LogStore, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            await log.close()
        } catch let error as ExitCode {
            await log.close()
            throw error
        } catch {
            await log.close()
            let message =
                switch error {
                case let error as ProjectionError: error.description
                case let error as EventLogError: error.description
                case let error as SessionError: error.message
                default: "\(error)"
                }
            FileHandle.standardError.write(Data("sessiond: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Parses a session id argument.
    static func sessionID(_ text: String) throws -> SessionID {
        guard let id = SessionID(rawValue: text) else { throw ValidationError("SESSION must not be empty") }
        return id
    }
}
