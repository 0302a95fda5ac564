import Foundation

/// The session aggregate's behaviour: pure functions from a command and the current state to new events.
public enum Session {}

extension Session {
    /// Decides what a command means for a session: the events to append, or why nothing may be appended.
    ///
    /// Pure and deterministic: the time and new ids come from `context`. Every validation of mix-api.md
    /// (create, callbacks, rewind, send) and mixpeek-api.md (create, patch, send, quotas, status) happens
    /// here, in the contract's order, so an invalid command appends nothing. An empty result is a valid
    /// no-op (cancel when idle, terminate twice, archive twice, a rename to the same title).
    /// - Parameters:
    ///   - command: What the caller wants.
    ///   - state: The session's current state (``SessionState/initial`` for a new or unknown session); the
    ///     caller must append the events expecting exactly `state.version`.
    ///   - context: The clock and the id generator.
    /// - Returns: The events, in append order.
    /// - Throws: ``SessionError``; ``SessionError/sessionNotFound(_:)`` for any command but the creates on
    ///   a missing or deleted session.
    public static func decide(
        _ command: SessionCommand,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        switch command {
        case .create(let command): try decideCreate(command, state: state, context: context)
        case .createAgentSession(let command): try decideCreateAgentSession(command, state: state, context: context)
        case .createSubagentSession(let command):
            try decideCreateSubagentSession(command, state: state, context: context)
        case .rename(let command): try decideRename(command, state: state, context: context)
        case .appendMessage(let command): try decideAppendMessage(command, state: state, context: context)
        case .sendUserMessage(let command): try decideSendUserMessage(command, state: state, context: context)
        case .sendAgentMessage(let command): try decideSendAgentMessage(command, state: state, context: context)
        case .recordToolResult(let command): try decideRecordToolResult(command, state: state, context: context)
        case .recordCallbackResult(let command):
            try decideRecordCallbackResult(command, state: state, context: context)
        case .replaceCallbacks(let command): try decideReplaceCallbacks(command, state: state, context: context)
        case .updateUserMemory(let command): try decideUpdateUserMemory(command, state: state, context: context)
        case .rewind(let command): try decideRewind(command, state: state, context: context)
        case .rewindBeforeMessage(let command): try decideRewindBeforeMessage(command, state: state, context: context)
        case .cancelProcessing(let command): try decideCancelProcessing(command, state: state)
        case .finishProcessing(let command): try decideFinishProcessing(command, state: state)
        case .archive(let command): try decideArchive(command, state: state, context: context)
        case .terminate(let command): try decideTerminate(command, state: state)
        case .addFile(let command): try decideAddFile(command, state: state, context: context)
        case .removeFile(let command): try decideRemoveFile(command, state: state, context: context)
        case .delete(let command): try decideDelete(command, state: state)
        case .fork(let command): try decideFork(command, state: state, context: context)
        case .recordFork(let command): try decideRecordFork(command, state: state)
        case .createFrameworkSession(let command):
            try decideCreateFrameworkSession(command, state: state, context: context)
        case .removeMessages(let command): try decideRemoveMessages(command, state: state, context: context)
        case .updateState(let command): try decideUpdateState(command, state: state, context: context)
        }
    }

    /// Throws ``SessionError/sessionNotFound(_:)`` unless `state` is the existing, undeleted session `id`.
    static func requireSession(_ id: SessionID, in state: SessionState) throws(SessionError) {
        guard state.exists, state.id == id else { throw .sessionNotFound(id) }
    }

    /// Throws ``SessionError/invalidState(status:message:)`` when the session is terminated or archived
    /// (read-only) at the context's time.
    static func requireWritable(_ state: SessionState, context: DecisionContext) throws(SessionError) {
        if state.isTerminated {
            throw .invalidState(status: .terminated, message: "invalid state transition: session is terminated")
        }
        if state.isArchived(at: context.now) {
            throw .invalidState(status: .archived, message: "invalid state transition: session is archived (read-only)")
        }
    }

    /// A new id from the context's generator, or a validation error if the generator returned "".
    static func newID<ID: StringIdentifier>(
        _ given: ID?,
        field: String,
        context: DecisionContext
    ) throws(SessionError) -> ID {
        if let given { return given }
        guard let id = ID(rawValue: context.makeID()) else {
            throw .validation(field: field, message: "\(field) generator returned an empty id")
        }
        return id
    }
}
