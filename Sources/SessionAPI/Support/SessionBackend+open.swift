import Blobs
import EventLog
import Foundation
import LogStores
import Logging
import Projections
import Sessions

extension SessionBackend {
    /// Opens the log (where ``APIConfiguration/logLocation`` says, the data directory by default) and the
    /// projections under the data directory, and wires the writer; the replay loop is created but not run (the
    /// application's service group runs it).
    /// - Throws: `EventLogError` or `PostgresLogError` when the log cannot be opened or the data directory is another
    ///   process's, `ProjectionError` when the projections cannot (the log is closed again).
    static func open(configuration: APIConfiguration) async throws -> SessionBackend {
        let logger = configuration.logger
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        var logConfiguration = EventLog.Configuration(durability: configuration.durability)
        logConfiguration.segmentSize = configuration.segmentSize
        logConfiguration.logger = logger
        let location = configuration.logLocation ?? .directory(configuration.dataDirectory)
        let dataDirectoryLock = try location.lockDataDirectory(configuration.dataDirectory)
        let log: any LogStore
        do {
            log = try await location.open(configuration: logConfiguration)
        } catch {
            dataDirectoryLock?.release()
            throw error
        }
        logger.info(
            "log open",
            metadata: [
                "log.location": "\(location)", "log.summary": "\(log.summary)",
                "log.durability": "\(configuration.durability.rawValue)",
            ])
        let store: ProjectionStore
        let blobs: any BlobStore
        do {
            let opened = try await BlobStores.open(beside: log, dataDirectory: configuration.dataDirectory)
            blobs = opened.store
            if opened.moved > 0 {
                logger.notice(
                    "moved the data directory's file blobs into the shared log's database",
                    metadata: ["blobs.moved": "\(opened.moved)"])
            }
            var storeConfiguration = ProjectionStore.Configuration()
            storeConfiguration.logger = logger
            storeConfiguration.idleTimeout = configuration.idleTimeout
            storeConfiguration.clock = configuration.clock
            storeConfiguration.exportCacheBytes = configuration.exportCacheBytes
            store = try await ProjectionStore.open(
                path: configuration.dataDirectory + "/projection.sqlite", log: log, configuration: storeConfiguration)
        } catch {
            await log.close()
            dataDirectoryLock?.release()
            throw error
        }
        var replayConfiguration = ReplayLoop.Configuration()
        replayConfiguration.logger = logger
        let responses = SessionResponseCache()
        replayConfiguration.afterCommit = { responses.committed($0.changes()) }
        let replay = ReplayLoop(store: store, log: log, configuration: replayConfiguration)
        var writerConfiguration = SessionWriter.Configuration()
        let clock = configuration.clock
        writerConfiguration.makeContext = { DecisionContext(now: clock()) }
        writerConfiguration.cacheByteLimit = configuration.stateCacheBytes
        let writer = SessionWriter(log: log, replay: replay, configuration: writerConfiguration)
        return SessionBackend(
            log: log, store: store, replay: replay, writer: writer,
            blobs: blobs, configuration: configuration,
            responses: responses, dataDirectoryLock: dataDirectoryLock)
    }
}
