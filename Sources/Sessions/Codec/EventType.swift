/// The catalogue of wire types: one explicit, stable string and current schema version per event.
///
/// Renaming a Swift type never changes these. Changing a body's shape means a new schema version here and an
/// upcaster from the previous one in ``SessionEvent/upcasters`` (see docs/events.md, "Upcasting").
public enum EventType: String, Sendable, Hashable, CaseIterable {
    /// ``SessionCreated``
    case sessionCreated = "session.created"
    /// ``SessionTitleChanged``
    case sessionTitleChanged = "session.title_changed"
    /// ``MessageAppended``
    case messageAppended = "message.appended"
    /// ``ToolResultRecorded``
    case toolResultRecorded = "tool_result.recorded"
    /// ``CallbackResultRecorded``
    case callbackResultRecorded = "callback_result.recorded"
    /// ``CallbacksReplaced``
    case callbacksReplaced = "callbacks.replaced"
    /// ``UserMemoryUpdated``
    case userMemoryUpdated = "user_memory.updated"
    /// ``SessionRewound``
    case sessionRewound = "session.rewound"
    /// ``ProcessingStarted``
    case processingStarted = "processing.started"
    /// ``ProcessingCancelled``
    case processingCancelled = "processing.cancelled"
    /// ``ProcessingFinished``
    case processingFinished = "processing.finished"
    /// ``SessionArchived``
    case sessionArchived = "session.archived"
    /// ``SessionTerminated``
    case sessionTerminated = "session.terminated"
    /// ``FileAdded``
    case fileAdded = "file.added"
    /// ``FileRemoved``
    case fileRemoved = "file.removed"
    /// ``SessionDeleted``
    case sessionDeleted = "session.deleted"
    /// ``EventErased``
    case eventErased = "event.erased"
    /// ``SessionForked``
    case sessionForked = "session.forked"
    /// ``MessagesRemoved``
    case messagesRemoved = "messages.removed"
    /// ``StateUpdated``
    case stateUpdated = "state.updated"

    /// The schema version this build writes, and the newest it reads. All types start at 1.
    public var currentSchemaVersion: UInt16 {
        switch self {
        case .sessionCreated, .sessionTitleChanged, .messageAppended, .toolResultRecorded,
            .callbackResultRecorded, .callbacksReplaced, .userMemoryUpdated, .sessionRewound,
            .processingStarted, .processingCancelled, .processingFinished, .sessionArchived,
            .sessionTerminated, .fileAdded, .fileRemoved, .sessionDeleted, .eventErased, .sessionForked,
            .messagesRemoved, .stateUpdated:
            1
        }
    }
}
