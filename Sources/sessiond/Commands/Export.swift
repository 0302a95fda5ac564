import ArgumentParser
import EventLog
import Foundation
import Projections
import Sessions

/// `sessiond export SESSION`: a session's transcript as it stood at any point, as JSON or Markdown.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a session's transcript, now or as of a time, log position or session version.",
        discussion: """
            Reads the projections (an index range scan, never a replay); the projection database is first \
            caught up with the log. A deleted session is not found. \(OfflineProjection.readOnlyNote) \
            \(OfflineProjection.daemonNote)
            """)

    @OptionGroup var log: LogOptions

    @Argument(help: "The session id.")
    var session: String

    @Option(
        help: ArgumentHelp(
            "As of this time: a whole RFC 3339 time with its zone (2026-01-08T10:00:00Z; fractions allowed, cut "
                + "past the microsecond) or Unix seconds."))
    var at: String?

    @Option(help: "As of this global log position.")
    var position: UInt64?

    @Option(help: "As of this session version.")
    var version: UInt64?

    @Option(help: "json (the Mix export shape) or markdown.")
    var format: ExportFormat = .json

    func validate() throws {
        if [at != nil, position != nil, version != nil].filter({ $0 }).count > 1 {
            throw ValidationError("use at most one of --at, --position and --version")
        }
        if let at, AsOf.time(at) == nil { throw ValidationError("--at: not an RFC 3339 time or Unix seconds: \(at)") }
    }

    func run() async throws {
        let id = try OfflineProjection.sessionID(session)
        let asOf: AsOf =
            if let at, let date = AsOf.time(at) { .time(date) } else if let position { .position(LogPosition(position)) } else if let version { .version(version) } else { .latest }
        let logger = OfflineProjection.makeLogger()
        let eventLog = try await OfflineProjection.openLog(log, logger: logger, readOnly: true)
        try await OfflineProjection.run(eventLog) {
            let store = try await OfflineProjection.openCaughtUp(eventLog, options: log, logger: logger)
            let rendered = switch format {
            case .json: try await store.exportJSON(id, at: asOf)
            case .markdown: try await store.export(id, at: asOf)?.rendered(as: .markdown)
            }
            guard let rendered else {
                let when = asOf == .latest ? "" : " as of that point"
                FileHandle.standardError.write(Data("sessiond: no session \(id)\(when)\n".utf8))
                throw ExitCode.failure
            }
            FileHandle.standardOutput.write(Data(rendered))
            if format == .json { print("") }
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
