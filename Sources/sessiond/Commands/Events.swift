import ArgumentParser
import EventLog
import Foundation
import Projections
import Sessions

/// `sessiond events SESSION`: a session's audit history, one line per event.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a session's audit history: position, time, type, actor and summary per event.",
        discussion: """
            Includes messages a rewind removed and the tombstone of a deleted session. Summaries name ids and \
            sizes, never content. \(OfflineProjection.readOnlyNote) \
            \(OfflineProjection.daemonNote)
            """)

    @OptionGroup var log: LogOptions

    @Argument(help: "The session id.")
    var session: String

    @Flag(help: "One JSON object per line, for machines.")
    var json = false

    private struct Line: Encodable {
        var position: UInt64
        var version: UInt64
        var time: String
        var type: String
        var eventId: String
        var actor: String?
        var requestId: String?
        var summary: String
    }

    func run() async throws {
        let id = try OfflineProjection.sessionID(session)
        let logger = OfflineProjection.makeLogger()
        let eventLog = try await OfflineProjection.openLog(log, logger: logger, readOnly: true)
        try await OfflineProjection.run(eventLog) {
            let store = try await OfflineProjection.openCaughtUp(eventLog, options: log, logger: logger)
            let events = try await store.events(id)
            guard !events.isEmpty else {
                FileHandle.standardError.write(Data("sessiond: session \(id) has no events\n".utf8))
                throw ExitCode.failure
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for event in events {
                if json {
                    let line = Line(
                        position: event.position.rawValue, version: event.version, time: event.recordedAtText,
                        type: event.type, eventId: event.eventID, actor: event.actor, requestId: event.requestID,
                        summary: event.summary)
                    print(String(decoding: try encoder.encode(line), as: UTF8.self))
                } else {
                    let padded = event.type.padding(toLength: 24, withPad: " ", startingAt: 0)
                    print("\(event.position)\t\(event.recordedAtText)\t\(padded)\t\(event.actor ?? "-")\t\(event.summary)")
                }
            }
        }
    }
}
