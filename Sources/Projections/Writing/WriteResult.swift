import EventLog
import Sessions

/// What a command did, once its events are durable and applied to the projections.
public struct WriteResult: Sendable, Equatable {
    /// The session the command was about (the new id for a create that named none).
    public var sessionID: SessionID
    /// The events appended, in order; empty for a valid no-op (cancel when idle, terminate twice…).
    public var events: [SessionEvent]
    /// Their log positions, in order.
    public var positions: [LogPosition]
    /// The session's state after them, as the writer decides on it: without the messages' contents
    /// (``Sessions/SessionState/keepsContent`` is false; decision 0156). The projections have the transcript.
    public var state: SessionState
    /// Whether this was a retry of an earlier request with the same idempotency key: nothing was appended,
    /// and `events` and `positions` are the earlier ones.
    public var deduplicated: Bool
    /// The framework items of the messages that ``Sessions/MessagesRemoved`` events among `events` removed, by
    /// message id (a message without an item has none): `state` keeps no message contents (decision 0156).
    public var removedItems: [MessageID: JSONValue] = [:]

    /// The position to wait for before reading (the last event's), `nil` when nothing was appended.
    public var lastPosition: LogPosition? { positions.last }

    /// The messages that ``Sessions/MessagesRemoved`` events among `events` removed, in their order.
    public var removedMessageIDs: [MessageID] {
        events.flatMap { event -> [MessageID] in
            guard case .messagesRemoved(let removed) = event else { return [] }
            return removed.removedMessageIDs
        }
    }

    /// The items of ``removedMessageIDs`` that have one, in that order: what a framework's `pop_item` answers.
    public var removedItemsInOrder: [JSONValue] { removedMessageIDs.compactMap { removedItems[$0] } }
}
