import EventLog
import Blobs
import Foundation
import Logging
import Projections
import Sessions

extension SessionBackend {
    /// Opens the log and the projections under the configuration's data directory and wires the writer; the
    /// replay loop is created but not run (the application's service group runs it).
    /// - Throws: `EventLogError` when the log cannot be opened, `ProjectionError` when the projections cannot
    ///   (the log is closed again).
    static func open(configuration: APIConfiguration) async throws -> SessionBackend {
        let logger = configuration.logger
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        var logConfiguration = EventLog.Configuration(durability: configuration.durability)
        logConfiguration.segmentSize = configuration.segmentSize
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
        return SessionBackend(
            log: log, store: store, replay: replay, writer: writer,
            blobs: BlobStore(root: configuration.dataDirectory + "/blobs"), configuration: configuration)
    }
}
