import Foundation

/// One message of a session's transcript as folded from the log, with its tool calls joined to their results.
///
/// A rewind never deletes a message: it marks it removed (``isRemoved``), keeping when that happened.
public struct TranscriptMessage: Sendable, Equatable {
    /// The message as it was appended.
    public var appended: MessageAppended
    /// Its tool calls (assistant messages), each joined to its result once one is recorded.
    public var toolCalls: [ToolCallRecord]
    /// The tool calls whose results this `tool` message carries, in the order recorded.
    public var resultToolCallIDs: [ToolCallID]
    /// The callback result this `tool` message carries, if it is a callback message.
    public var callbackResults: [CallbackResultRecorded]
    /// The session version of the ``MessageAppended`` event.
    public var appendedVersion: UInt64
    /// When the message was appended (the record's time).
    public var appendedAt: Date
    /// The session version of the rewind that removed the message.
    public var removedVersion: UInt64?
    /// When a rewind removed the message.
    public var removedAt: Date?

    /// Creates a transcript entry for a newly appended message.
    public init(appended: MessageAppended, version: UInt64, at date: Date) {
        self.appended = appended
        self.toolCalls = appended.toolCalls.map { ToolCallRecord(call: $0) }
        self.resultToolCallIDs = []
        self.callbackResults = []
        self.appendedVersion = version
        self.appendedAt = date
    }

    /// The message's id.
    public var id: MessageID { appended.messageID }
    /// Who wrote it.
    public var role: MessageRole { appended.role }
    /// Whether a rewind removed the message.
    public var isRemoved: Bool { removedVersion != nil }
}
