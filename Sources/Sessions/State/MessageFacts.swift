import Foundation

/// What ``Session/decide(_:state:context:)`` needs to know of one message of the transcript: every fold keeps it,
/// with or without the messages' contents (``SessionState/keepsContent``), so a decision reads the same facts either
/// way.
public struct MessageFacts: Sendable, Equatable {
    /// The message's id.
    public var id: MessageID
    /// Who wrote it.
    public var role: MessageRole
    /// The session version of the ``MessageAppended`` event.
    public var appendedVersion: UInt64
    /// When it was appended (the record's time).
    public var appendedAt: Date
    /// Whether it carries an agent framework's item (`pop_item` removes the last live one that does).
    public var hasItem: Bool
    /// Whether a fork copied it from its source (``MessageAppended/copiedFrom``): a message of this session, but
    /// not one sent here, so the per-minute rate limit does not count it.
    public var isCopy: Bool
    /// Whether a rewind removed it.
    public var isRemoved = false

    /// The facts of a newly appended message.
    init(_ appended: MessageAppended, version: UInt64, at date: Date) {
        id = appended.messageID
        role = appended.role
        appendedVersion = version
        appendedAt = date
        hasItem = appended.item != nil
        isCopy = appended.copiedFrom != nil
    }
}
