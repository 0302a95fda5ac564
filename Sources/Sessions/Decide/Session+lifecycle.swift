extension Session {
    /// Mix cancel (decision (b)): a run in progress is cancelled; otherwise nothing is appended.
    static func decideCancelProcessing(
        _ command: CancelProcessing,
        state: SessionState
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        return state.isProcessing ? [.processingCancelled(ProcessingCancelled(reason: command.reason))] : []
    }

    /// The runtime reports the end of a run that produced no final assistant message.
    static func decideFinishProcessing(
        _ command: FinishProcessing,
        state: SessionState
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        return state.isProcessing ? [.processingFinished(ProcessingFinished(error: command.error))] : []
    }

    /// Explicit archive: idempotent; a terminated session cannot be archived.
    static func decideArchive(
        _ command: ArchiveSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        if state.isTerminated {
            throw .invalidState(status: .terminated, message: "invalid state transition: session is terminated")
        }
        return state.archivedAt == nil ? [.archived(SessionArchived(reason: command.reason))] : []
    }

    /// Mixpeek terminate: idempotent (a second DELETE appends nothing and reports the first `terminated_at`);
    /// a run in progress is cancelled first, since terminating kills the session's actor.
    static func decideTerminate(
        _ command: TerminateSession,
        state: SessionState
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        guard !state.isTerminated else { return [] }
        var events: [SessionEvent] = []
        if state.isProcessing {
            events.append(.processingCancelled(ProcessingCancelled(reason: "session_terminated")))
        }
        events.append(.terminated(SessionTerminated()))
        return events
    }

    /// Mix delete: the tombstone, whatever the status (Mix waits for, but does not cancel, a run).
    static func decideDelete(_ command: DeleteSession, state: SessionState) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        return [.deleted(SessionDeleted(sessionID: command.sessionID, namespace: state.namespace))]
    }
}
