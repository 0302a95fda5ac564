import ArgumentParser
import EventLog
import Foundation
import Logging
import Projections

/// `sessiond verify`: checks the log and compares the live projection with a fresh rebuild, row by row.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the log and compare the projection database with a rebuild from it.",
        discussion: """
            Opening a log of segment files verifies every frame (a corrupt sealed segment is reported with its \
            file and offset); on PostgreSQL, every frame the rebuild reads is verified. The log is then replayed into a temporary database up to the live projection's checkpoint \
            and compared with the live one table by table; each differing row is reported by table and key, \
            and any difference exits with status 1. The report's first line says what opening the log found, \
            naming the file, offset and size of a torn tail left in place. \(OfflineProjection.readOnlyNote) \
            \(OfflineProjection.daemonNote)
            """)

    @OptionGroup var log: LogOptions

    func run() async throws {
        let logger = OfflineProjection.makeLogger()
        guard try await check(logger: logger, output: { print($0) }) else { throw ExitCode.failure }
    }

    /// What ``run()`` does, without bootstrapping the process's logging or exiting (tests call it): opens the log
    /// read-only, reports what opening found (a torn tail left in place: file, offset, bytes), and compares the
    /// projection with a rebuild, writing the report to `output` line by line.
    /// - Returns: Whether the projection matches a rebuild.
    func check(logger: Logger, output: (String) -> Void) async throws -> Bool {
        let eventLog = try await OfflineProjection.openLog(log, logger: logger, readOnly: true)
        output("log: \(eventLog.summary)")
        var failed = false
        try await OfflineProjection.run(eventLog) {
            let path = OfflineProjection.databasePath(in: log.dataDirectory)
            // Refused by `serve` rather than rebuilt, and not to be opened (and so migrated) by this build.
            if let schema = ProjectionStore.schemaVersions(at: path), schema.found > schema.supported {
                output(Self.newerSchema(path, found: schema.found, supported: schema.supported))
                failed = true
                return
            }
            let live: ProjectionStore
            do {
                live = try ProjectionStore(path: path)
            } catch {
                if FileManager.default.fileExists(atPath: path) {
                    // E.g. a file of an older schema, left by the previous version before its first start.
                    output("projection: cannot open \(path) (\(error)); it is rebuilt on the next start")
                } else {
                    output("projection: no database at \(path) (it is rebuilt on the next start)")
                }
                failed = true
                return
            }
            let checkpoint = try await live.checkpoint()
            let durableEnd = try await eventLog.durableEnd()
            if checkpoint > durableEnd {
                output("projection: checkpoint \(checkpoint) is ahead of the log's end \(durableEnd); run `sessiond rebuild`")
                failed = true
                return
            }
            if checkpoint < durableEnd {
                output("projection: \(durableEnd.rawValue - checkpoint.rawValue) events behind the log (caught up on start)")
            }
            let rebuilt = try await Rebuild(log: eventLog, path: path).build(upTo: checkpoint)
            defer {
                for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: rebuilt.file + suffix) }
            }
            let differences = try await live.differences(from: rebuilt.file)
            for difference in differences { output("difference: \(difference)") }
            if differences.isEmpty {
                output("projection: matches a rebuild at log position \(checkpoint)")
            } else {
                output("projection: \(differences.count) rows differ from a rebuild; run `sessiond rebuild`")
                failed = true
            }
        }
        return !failed
    }

    /// What `verify` says of a projection database of a newer schema: unlike a missing, damaged or older one, which
    /// `serve` rebuilds at start, `serve` refuses it (``ProjectionError/newerSchema(path:found:supported:)``).
    static func newerSchema(_ path: String, found: Int, supported: Int) -> String {
        "projection: \(path) has schema version \(found), newer than this build's \(supported); `sessiond serve` of this "
            + "build refuses it (it is not rebuilt on start): run the newer sessiond, or `sessiond rebuild` to replace it"
    }
}
