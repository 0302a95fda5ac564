import EventLog
import Foundation
import Sessions

/// One line of a session's audit history: an event's place in the log, its time, type, who caused it and a
/// summary naming ids and sizes (never content).
public struct AuditEvent: Sendable, Equatable {
    /// The event's global log position.
    public var position: LogPosition
    /// The session's version after the event.
    public var version: UInt64
    /// When the log recorded it.
    public var recordedAt: Date
    /// The wire type, e.g. `message.appended`.
    public var type: String
    /// The event id (the idempotency key of its append).
    public var eventID: String
    /// The API key id that caused it, when known.
    public var actor: String?
    /// The request id that caused it, when known.
    public var requestID: String?
    /// A one-line description: ids, counts and sizes.
    public var summary: String

    /// `recordedAt` as RFC 3339 with microseconds.
    public var recordedAtText: String { Timestamp.rfc3339(Timestamp.micros(recordedAt)) }
}
