import EventLog
import Foundation
import Sessions

/// A framework's item as stored in a session: the ``Sessions/MessageAppended/item`` of one message.
public struct SessionItem: Sendable, Equatable {
    /// The message that carries the item.
    public var messageID: MessageID
    /// The message's role.
    public var role: MessageRole
    /// The item as stored: compact JSON text, passed on without being parsed again.
    public var itemJSON: String
    /// When it was appended (the record's time).
    public var addedAt: Date
    /// The log position that appended it.
    public var position: LogPosition
    /// The session version that appended it.
    public var version: UInt64
    /// Whether a pop, clear or rewind had taken it out of the live transcript at the point read.
    public var removed: Bool

    /// Creates an item from its parts.
    public init(
        messageID: MessageID, role: MessageRole, itemJSON: String, addedAt: Date, position: LogPosition,
        version: UInt64, removed: Bool = false
    ) {
        self.messageID = messageID
        self.role = role
        self.itemJSON = itemJSON
        self.addedAt = addedAt
        self.position = position
        self.version = version
        self.removed = removed
    }

    /// The item, as the framework sent it (parsed from ``itemJSON``).
    public var item: JSONValue? { ProjectionJSON.value(JSONValue.self, from: itemJSON) }
}
