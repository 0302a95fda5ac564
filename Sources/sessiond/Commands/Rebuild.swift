import ArgumentParser
import EventLog
import Foundation
import Projections

/// `sessiond rebuild`: replays the whole log into a fresh projection database and swaps it in atomically.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the projection database from the log.",
        discussion: """
            Replays the log from position zero into a fresh database file beside the live one, then swaps it \
            in with an atomic rename and a directory fsync; the old file is removed. Shows a progress bar on a \
            terminal and plain lines otherwise. \(OfflineProjection.daemonNote)
            """)

    @OptionGroup var log: LogOptions

    func run() async throws {
        let logger = OfflineProjection.makeLogger()
        let eventLog = try await OfflineProjection.openLog(log, logger: logger, readOnly: false)
        try await OfflineProjection.run(eventLog) {
            var configuration = ProjectionStore.Configuration()
            configuration.logger = logger
            let reporter = ProgressReporter()
            let report = try await Rebuild(
                log: eventLog, path: OfflineProjection.databasePath(in: log.dataDirectory),
                configuration: configuration
            ).run(progress: { reporter.report($0) })
            reporter.finish()
            let rate = report.seconds > 0 ? Int(Double(report.events) / report.seconds) : 0
            print(
                "rebuilt \(report.events) events in \(String(format: "%.2f", report.seconds)) s (\(rate) events/s); "
                    + "projection at log position \(report.position)")
        }
    }
}
