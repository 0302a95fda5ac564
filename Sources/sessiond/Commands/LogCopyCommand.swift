import ArgumentParser
import EventLog
import Foundation
import LogStores

/// `sessiond log copy`: moves a whole log between stores (file → PostgreSQL, PostgreSQL → file, file → file).
struct LogCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole log into an empty log elsewhere, then check the two are equal record by record.",
        discussion: """
            Copies the compression dictionaries under their ids, then every record up to the source's end when \
            the copy starts, with the same position, stream, version, time, event id, type, metadata and body \
            (frames are formed anew by the target, so frame boundaries and chain values may differ). The target \
            must be empty: a directory without a log, or a PostgreSQL database without sessiond records (the \
            schema is created if missing); anything else is refused and left untouched. A progress line is \
            printed while records are copied. Afterwards both logs are read back and compared, record by record \
            and dictionary by dictionary: any difference exits with status 1. Before the records, the session \
            files' bytes (blobs) the target lacks are copied: from the directory's `blobs/` or the PostgreSQL \
            `blob` table, into the other (a directory log served with `--data` elsewhere keeps them in that data \
            directory's `blobs/`: name it with --from-data or --to-data). A directory source must not be in \
            use by a running daemon (its lock is taken); a PostgreSQL source may be, and records appended after \
            the copy started are not copied. Nodes' projections are not copied: point `sessiond serve --log` at \
            the new log and each node rebuilds (or run `sessiond rebuild`).
            """)

    @Option(help: ArgumentHelp("The log to copy: a directory of segment files or a postgres:// URL.", valueName: "dir|url"))
    var from: String

    @Option(help: ArgumentHelp("Where to copy it: an empty (or missing) directory or a postgres:// URL of an empty log.", valueName: "dir|url"))
    var to: String

    @Option(
        name: .customLong("from-data"),
        help: ArgumentHelp(
            "The data directory of a directory source served apart from its log (`serve --data D --log DIR`): its "
                + "blobs/ holds the session files. Default: the --from directory.",
            valueName: "dir"))
    var fromData: String?

    @Option(
        name: .customLong("to-data"),
        help: ArgumentHelp(
            "Likewise for a directory target: where its nodes' --data will be. Default: the --to directory.",
            valueName: "dir"))
    var toData: String?

    @Option(
        help: ArgumentHelp(
            "fsync: each batch of copied records is durable before the next. none: no sync (re-run the copy into a fresh target if it is cut off).",
            valueName: "fsync|none"))
    var durability: EventLog.Durability = .fsync

    func validate() throws {
        guard !from.isEmpty, !to.isEmpty else { throw ValidationError("--from and --to must not be empty") }
        guard LogLocation(from) != LogLocation(to) else { throw ValidationError("--from and --to name the same log") }
        if fromData != nil, case .postgres = LogLocation(from) {
            throw ValidationError("--from-data is for a directory source: a PostgreSQL log keeps its files beside it")
        }
        if toData != nil, case .postgres = LogLocation(to) {
            throw ValidationError("--to-data is for a directory target: a PostgreSQL log keeps its files beside it")
        }
    }

    func run() async throws {
        let logger = OfflineProjection.makeLogger()
        var sourceConfiguration = EventLog.Configuration()
        sourceConfiguration.dictionaryTraining = .disabled
        sourceConfiguration.logger = logger
        var targetConfiguration = EventLog.Configuration(durability: durability)
        targetConfiguration.dictionaryTraining = .disabled
        targetConfiguration.logger = logger
        try OfflineProjection.requireExisting(LogLocation(from), "no log directory at \(from)")
        let source = try await open(LogLocation(from), sourceConfiguration)
        let target: any LogStore
        do {
            target = try await open(LogLocation(to), targetConfiguration)
        } catch {
            await source.close()
            throw error
        }
        var failed = false
        try await OfflineProjection.run(source) {
            do {
                failed = try await copyAndVerify(from: source, to: target)
                await target.close()
            } catch {
                await target.close()
                throw error
            }
        }
        if failed { throw ExitCode.failure }
    }

    /// Copies, then compares; `true` when the logs differ.
    private func copyAndVerify(from source: any LogStore, to target: any LogStore) async throws -> Bool {
        print("from: \(source.summary)")
        print("to: \(target.summary)")
        let reporter = ProgressReporter(label: "copy", unit: "records")
        let blobs = (
            source: BlobStores.store(beside: source, dataDirectory: fromData ?? from),
            target: BlobStores.store(beside: target, dataDirectory: toData ?? to)
        )
        let report = try await LogCopy.copy(from: source, to: target, blobs: blobs) { done, total in
            reporter.report(done: done, of: total)
        }
        reporter.finish()
        print("copied \(report.blobs) file blobs (\(report.blobBytes) bytes)")
        print("copied \(report.records) records and \(report.dictionaries.count) dictionaries \(report.dictionaries)")
        if let difference = try await LogCopy.difference(between: source, and: target, upTo: report.end) {
            print("verify: the copy differs: \(difference)")
            return true
        }
        print("verify: both logs hold the same \(report.records) records and the same dictionaries")
        return false
    }

    private func open(_ location: LogLocation, _ configuration: EventLog.Configuration) async throws -> any LogStore {
        do {
            return try await location.open(configuration: configuration)
        } catch {
            return try exitOnOperatorError { () throws -> any LogStore in throw error }
        }
    }
}
