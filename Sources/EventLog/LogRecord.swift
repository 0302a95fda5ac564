import Foundation

/// A record as it is stored in the log: one event of one stream, at one global position.
public struct LogRecord: Sendable, Equatable {
    /// Global position, dense from 1.
    public var position: LogPosition
    /// The stream (for sessiond: the session id) the record belongs to.
    public var stream: String
    /// The record's version within its stream, from 1.
    public var streamVersion: UInt64
    /// When the log accepted the record, in microseconds since 1970; strictly increasing along the log.
    public var recordedAtMicros: Int64
    /// The event's wire type, e.g. `message.appended`.
    public var type: String
    /// The version of the body's schema for `type`.
    public var schemaVersion: UInt16
    /// The event's unique id.
    public var eventID: EventID
    /// Small string pairs about the event, e.g. `actor.key`, `request.id`.
    public var metadata: [String: String]
    /// The event's body, usually JSON.
    public var body: [UInt8]

    public init(
        position: LogPosition, stream: String, streamVersion: UInt64, recordedAtMicros: Int64, type: String,
        schemaVersion: UInt16, eventID: EventID, metadata: [String: String], body: [UInt8]
    ) {
        self.position = position
        self.stream = stream
        self.streamVersion = streamVersion
        self.recordedAtMicros = recordedAtMicros
        self.type = type
        self.schemaVersion = schemaVersion
        self.eventID = eventID
        self.metadata = metadata
        self.body = body
    }

    /// ``recordedAtMicros`` as a `Date`.
    public var recordedAt: Date { Date(timeIntervalSince1970: Double(recordedAtMicros) / 1_000_000) }
}

/// A record an appender proposes; the log gives it a position, a stream version and a time.
public struct ProposedRecord: Sendable, Equatable {
    public var eventID: EventID
    public var type: String
    public var schemaVersion: UInt16
    public var metadata: [String: String]
    public var body: [UInt8]

    public init(
        eventID: EventID = .random(), type: String, schemaVersion: UInt16 = 1, metadata: [String: String] = [:],
        body: [UInt8]
    ) {
        self.eventID = eventID
        self.type = type
        self.schemaVersion = schemaVersion
        self.metadata = metadata
        self.body = body
    }
}

/// What an append answers once its records are durable.
public struct AppendResult: Sendable, Equatable {
    /// The positions of the appended records, in order.
    public var positions: [LogPosition]
    /// The stream's version after the last of them.
    public var streamVersion: UInt64
    /// True when every event id was already in the log: nothing was appended and
    /// the positions are those of the original append.
    public var deduplicated: Bool
    /// The records as the log stored them (their recorded-at times included), so a writer need not read back
    /// what it appended; empty when ``deduplicated``, or from a store that does not return them.
    public var records: [LogRecord]

    public init(positions: [LogPosition], streamVersion: UInt64, deduplicated: Bool, records: [LogRecord] = []) {
        self.positions = positions
        self.streamVersion = streamVersion
        self.deduplicated = deduplicated
        self.records = records
    }

    /// The position of the last record: the one to wait for before reading your writes.
    public var lastPosition: LogPosition { positions.last ?? .zero }
}
