import EventLog
import Foundation
import Sessions

/// A batch the replay loop just committed, as a cache of the sessions' latest state sees it
/// (``ReplayLoop/Configuration/afterCommit``): which sessions it touched and, for each, whether it only appended
/// messages, with the framework items those carried — what lets a cache extend what it holds instead of
/// dropping it (decision 0139).
public struct CommittedBatch: Sendable {
    private let records: [DecodedRecord]

    init(_ records: [DecodedRecord]) {
        self.records = records
    }

    /// The streams (session ids) the batch touched, in log order, repeats included.
    public var streams: [String] { records.map(\.stream) }

    /// What the batch did to each session it touched.
    public func changes() -> [String: SessionChange] {
        var changes: [String: SessionChange] = [:]
        for record in records {
            let message: MessageAppended? = if case .messageAppended(let message) = record.event { message } else { nil }
            guard var change = changes[record.stream] else {
                changes[record.stream] = SessionChange(
                    firstVersion: record.streamVersion, lastVersion: record.streamVersion,
                    appendedItems: message.map { Self.items(of: $0, record) })
                continue
            }
            // Only an unbroken run of message appends says what the items became.
            if let message, change.appendedItems != nil, record.streamVersion == change.lastVersion + 1 {
                change.appendedItems! += Self.items(of: message, record)
            } else {
                change.appendedItems = nil
            }
            change.lastVersion = record.streamVersion
            changes[record.stream] = change
        }
        return changes
    }

    /// The framework item `message` carries, as ``ProjectionStore/items(_:at:since:latest:includeRemoved:)``
    /// reads it back; none for a message without one.
    private static func items(of message: MessageAppended, _ record: DecodedRecord) -> [SessionItem] {
        guard let text = record.columns.message?.itemText ?? ProjectionJSON.text(message.item) else {
            return []
        }
        return [
            SessionItem(
                messageID: message.messageID, role: message.role, itemJSON: text,
                addedAt: Timestamp.date(record.recordedAtMicros), position: record.position,
                version: record.streamVersion)
        ]
    }
}

/// What one committed batch did to one session.
public struct SessionChange: Sendable, Equatable {
    /// The version of the session's first event in the batch.
    public var firstVersion: UInt64
    /// The session's version after the batch.
    public var lastVersion: UInt64
    /// The framework items the batch appended, oldest first, when every event of the session in it was a message
    /// append (versions unbroken); `nil` when another event touched it, which may have removed or changed items.
    public var appendedItems: [SessionItem]?

    /// Creates a change from its parts.
    public init(firstVersion: UInt64, lastVersion: UInt64, appendedItems: [SessionItem]?) {
        self.firstVersion = firstVersion
        self.lastVersion = lastVersion
        self.appendedItems = appendedItems
    }
}
