import ArgumentParser
import Blobs
import EventLog
import Foundation
import LogStores
import Projections

/// `sessiond compact`: erases permanently deleted sessions' bytes from the log, the projection database and
/// the blob store.
struct Compact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase permanently deleted sessions from disk: log records, database pages and file blobs.",
        discussion: """
            A Mix DELETE appends a tombstone and drops the session from every read at once; its bytes stay in \
            the log until compaction. This command rewrites every sealed segment holding a deleted session's \
            records (all but the tombstone become `event.erased`, in place, crash-safely: new file, fsync, \
            rename, directory fsync; a session created again under a deleted one's id keeps its records after the \
            tombstone) — on a PostgreSQL log (--log postgres://…) the frame rows holding them, in \
            one transaction, then `VACUUM FULL` of the frame table, which blocks appends while it runs —, rewrites their audit rows, truncates the projection database's WAL and \
            vacuums it, and removes every blob no file row refers to (on a PostgreSQL log, the rows of the \
            shared `blob` table, then `VACUUM FULL` of it). It prints a progress line while it reads the log and a \
            summary: sessions erased, records rewritten, bytes before and after. \
            `sessiond serve` does the same periodically (--compact-interval). \(OfflineProjection.daemonNote)
            """)

    @OptionGroup var log: LogOptions

    @Flag(name: .customLong("dry-run"), help: "Show which sessions and blobs would be erased; change nothing.")
    var dryRun = false

    @Option(
        name: .customLong("blob-grace"),
        help: ArgumentHelp(
            "Seconds an unreferenced file blob is kept (uploads in flight). Default: 0 on a file log, whose lock keeps every upload out; 600 on a PostgreSQL log, which other nodes keep writing.",
            valueName: "seconds"))
    var blobGrace: Double?

    func validate() throws {
        if let blobGrace, blobGrace < 0 { throw ValidationError("--blob-grace must not be negative") }
    }

    func run() async throws {
        let logger = OfflineProjection.makeLogger()
        let eventLog = try await OfflineProjection.openLog(log, logger: logger, readOnly: false)
        try await OfflineProjection.run(eventLog) {
            let store = try await OfflineProjection.openCaughtUp(eventLog, options: log, logger: logger)
            var configuration = PermanentErasure.Configuration()
            // On a file log the command holds the data directory's lock: no upload can be between its blob and its
            // event. Nodes on a shared log may be uploading now.
            configuration.blobGracePeriod = blobGrace ?? (BlobStores.isShared(eventLog) ? 10 * 60 : 0)
            // No replay loop runs here: the erasure catches the projection up to what other nodes appended.
            configuration.catchesUp = true
            configuration.logger = logger
            // A dry run changes nothing, so it leaves an older build's blobs where they are (and does not list them).
            let blobs =
                dryRun
                ? (store: BlobStores.store(beside: eventLog, dataDirectory: log.dataDirectory), moved: 0)
                : try await BlobStores.open(beside: eventLog, dataDirectory: log.dataDirectory)
            if blobs.moved > 0 { Swift.print("moved \(blobs.moved) file blobs from the data directory into the shared log's database") }
            let erasure = PermanentErasure(log: eventLog, store: store, blobs: blobs.store, configuration: configuration)
            if dryRun {
                Self.print(try await erasure.plan())
                return
            }
            let end = try await eventLog.durableEnd().rawValue
            let reporter = ProgressReporter(label: "compact", unit: "records")
            let report = try await erasure.run { position in reporter.report(done: position.rawValue, of: end) }
            reporter.finish()
            Self.print(report)
        }
    }

    private static func print(_ plan: ErasurePlan) {
        let records = plan.records.values.reduce(0, +)
        Swift.print("dry run: \(plan.records.count) deleted sessions await erasure, \(records) records to rewrite")
        for (session, count) in plan.records.sorted(by: { $0.key < $1.key }) {
            Swift.print("  session \(session): \(count) records")
        }
        let bytes = plan.blobs.reduce(0) { $0 + $1.bytes }
        Swift.print("dry run: \(plan.blobs.count) unreferenced blobs to remove (\(bytes) bytes)")
        for blob in plan.blobs { Swift.print("  blob \(blob.digest): \(blob.bytes) bytes") }
        Swift.print("dry run: nothing was changed")
    }

    private static func print(_ report: ErasureReport) {
        if let log = report.log {
            // The file store counts segments; the PostgreSQL store counts frames (rows) and rewrites its table.
            let rewritten =
                log.segmentsScanned > 0 || log.framesScanned == 0
                ? "\(log.segmentsRewritten) of \(log.segmentsScanned) sealed segments"
                : "\(log.framesRewritten) of \(log.framesScanned) frames"
            Swift.print(
                "log: \(report.sessions.count) sessions erased, \(log.recordsRewritten) records rewritten in "
                    + "\(rewritten), \(log.bytesBefore) → \(log.bytesAfter) bytes"
                    + (log.dictionariesRetired.isEmpty ? "" : ", dictionaries retired: \(log.dictionariesRetired)")
                    + (log.tableRewriteDuration.map { ", VACUUM FULL took \($0)" } ?? ""))
        } else {
            Swift.print("log: no deleted session awaits erasure")
        }
        if let projection = report.projection {
            Swift.print(
                "projection: \(report.auditRowsErased) audit rows erased, database \(projection.bytesBefore) → "
                    + "\(projection.bytesAfter) bytes, WAL " + (projection.walTruncated ? "truncated" : "NOT truncated (busy)"))
        }
        Swift.print("blobs: \(report.blobsRemoved) removed (\(report.blobBytesRemoved) bytes)")
    }
}
