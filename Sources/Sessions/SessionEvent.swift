/// One fact in a session's history: the unit appended to the log and folded into ``SessionState``.
///
/// Each case wraps a payload struct named in the past tense. Its wire type and schema version are explicit
/// constants (``SessionEvent/type``, ``SessionEvent/schemaVersion``), never derived from Swift names, so
/// renaming code never breaks the log; see `SessionEvent+Codec.swift` and docs/events.md.
public enum SessionEvent: Sendable, Equatable {
    /// `session.created`
    case created(SessionCreated)
    /// `session.title_changed`
    case titleChanged(SessionTitleChanged)
    /// `message.appended`
    case messageAppended(MessageAppended)
    /// `tool_result.recorded`
    case toolResultRecorded(ToolResultRecorded)
    /// `callback_result.recorded`
    case callbackResultRecorded(CallbackResultRecorded)
    /// `callbacks.replaced`
    case callbacksReplaced(CallbacksReplaced)
    /// `user_memory.updated`
    case userMemoryUpdated(UserMemoryUpdated)
    /// `session.rewound`
    case rewound(SessionRewound)
    /// `processing.started`
    case processingStarted(ProcessingStarted)
    /// `processing.cancelled`
    case processingCancelled(ProcessingCancelled)
    /// `processing.finished`
    case processingFinished(ProcessingFinished)
    /// `session.archived`
    case archived(SessionArchived)
    /// `session.terminated`
    case terminated(SessionTerminated)
    /// `file.added`
    case fileAdded(FileAdded)
    /// `file.removed`
    case fileRemoved(FileRemoved)
    /// `session.deleted` (the tombstone)
    case deleted(SessionDeleted)
    /// `event.erased`: what compaction leaves of a permanently deleted session's other records
    case erased(EventErased)
    /// `session.forked`
    case forked(SessionForked)
    /// `messages.removed`
    case messagesRemoved(MessagesRemoved)
    /// `state.updated`
    case stateUpdated(StateUpdated)
}
