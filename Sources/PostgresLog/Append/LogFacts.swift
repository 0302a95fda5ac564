import EventLog
import Foundation
import PostgresNIO

/// What an append is decided on: the log head, the current versions of the batch's streams and which of its event
/// ids the log already holds — the `sessiond.log_fact` rows of `sessiond.log_facts` or `sessiond.append`
/// (schema version 3).
struct LogFacts: Sendable {
    var head = AppendPlan.Head(end: 0, lastChecksum: 0, lastRecordedAt: 0)
    /// The dictionary the head names for new frames (0: none).
    var dictionaryID: UInt32 = 0
    var versions: [String: UInt64] = [:]
    var known: [EventID: AppendPlan.KnownEvent] = [:]
    /// Whether the rows answered a `sessiond.append` that wrote its frames (`head` is then the head after them).
    var appended = false

    /// The columns of `sessiond.log_fact`, in order.
    private typealias Row = (String, Int64?, Int64?, Int64?, Int32?, String?, Int64?, UUID?)

    init(_ rows: PostgresRowSequence) async throws {
        var sawHead = false
        for try await (kind, position, checksum, recordedAt, dictionary, stream, version, eventID) in rows.decode(
            Row.self)
        {
            switch kind {
            case "head", "appended":
                head = AppendPlan.Head(
                    end: UInt64(position ?? 0), lastChecksum: UInt32(truncatingIfNeeded: checksum ?? 0),
                    lastRecordedAt: recordedAt ?? 0)
                dictionaryID = UInt32(dictionary ?? 0)
                appended = kind == "appended"
                sawHead = true
            case "version":
                if let stream, let version { versions[stream] = UInt64(version) }
            case "event":
                if let eventID, let position, let stream, let version {
                    known[EventID(eventID)] = AppendPlan.KnownEvent(
                        position: UInt64(position), stream: stream, streamVersion: UInt64(version))
                }
            default:
                throw EventLogError.failed(reason: "unknown log fact '\(kind)' from PostgreSQL")
            }
        }
        guard sawHead else { throw EventLogError.failed(reason: "PostgreSQL returned no log head") }
    }
}
