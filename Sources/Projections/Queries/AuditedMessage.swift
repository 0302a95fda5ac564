import EventLog
import Sessions

/// A message of a session's transcript as the audit console shows it at a point: as of that point (tool
/// results joined as recorded by then), with where it entered the log and, if a rewind removed it — before
/// or after that point — where.
public struct AuditedMessage: Sendable, Equatable {
    /// The message as of the point; ``Sessions/TranscriptMessage/isRemoved`` is whether it was removed by then.
    public var message: TranscriptMessage
    /// The global log position of its `message.appended` event.
    public var addedPosition: LogPosition
    /// The global log position of the `session.rewound` event that removed it, whenever that happened.
    public var removedPosition: LogPosition?
}

/// One page of a session's audited transcript at a point.
public struct AuditedTranscript: Sendable, Equatable {
    /// The messages of the page, in transcript order.
    public var messages: [AuditedMessage]
    /// How many messages the transcript holds at the point (removed ones included).
    public var total: Int
    /// The log position the page is as of (the request's point, resolved).
    public var position: LogPosition
    /// The whole transcript's stats at that point (not only the page's).
    public var stats: TranscriptStats
}
