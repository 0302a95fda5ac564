import ArgumentParser
import Dispatch
import EventLog
import Foundation
import Logging

/// `sessiond serve`: opens the log (running recovery) and keeps it open until SIGINT or SIGTERM.
///
/// The HTTP API arrives with its own issue; until then the daemon owns the data directory,
/// reports what recovery found, and shuts down cleanly.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon on a data directory until interrupted.")

    @OptionGroup var log: LogOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "sessiond")
        logger.logLevel = .info
        let eventLog = try exitOnOperatorError {
            try EventLog(directory: log.dataDirectory, configuration: log.configuration(logger: logger))
        }
        let report = eventLog.recoveryReport
        logger.info(
            "log open",
            metadata: [
                "log.directory": "\(log.dataDirectory)", "log.records": "\(report.records)",
                "log.segments": "\(report.segments)", "log.truncated_bytes": "\(report.truncatedBytes)",
                "log.durability": "\(log.durability.rawValue)",
            ])
        logger.info("waiting for SIGINT or SIGTERM (the HTTP API is not built yet)")
        let signal = await ShutdownSignal.wait()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        await eventLog.close()
        logger.info("log closed")
    }
}
