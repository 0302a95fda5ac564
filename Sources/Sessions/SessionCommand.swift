/// An imperative a client or the agent runtime sends about one session; ``Session/decide(_:state:context:)``
/// turns it into events or a ``SessionError``.
///
/// Each case wraps an input struct from `Commands/`. Every command but the creates and the fork names its session.
public enum SessionCommand: Sendable, Equatable {
    /// Mix `POST /api/sessions`.
    case create(CreateSession)
    /// Mixpeek `POST /v1/agents/sessions`.
    case createAgentSession(CreateAgentSession)
    /// A sub-agent session created by the runtime (native API).
    case createSubagentSession(CreateSubagentSession)
    /// Change the title / session name.
    case rename(RenameSession)
    /// Record a message the runtime produced (native API).
    case appendMessage(AppendMessage)
    /// Mix `POST /api/sessions/{id}/messages`.
    case sendUserMessage(SendUserMessage)
    /// Mixpeek `POST /v1/agents/sessions/{id}/messages`.
    case sendAgentMessage(SendAgentMessage)
    /// Record a tool call's result (native API).
    case recordToolResult(RecordToolResult)
    /// Record a callback's execution (native API).
    case recordCallbackResult(RecordCallbackResult)
    /// Mix `PATCH /api/sessions/{id}/callbacks`.
    case replaceCallbacks(ReplaceCallbacks)
    /// Mixpeek `PATCH /v1/agents/sessions/{id}`.
    case updateUserMemory(UpdateUserMemory)
    /// Mix `POST /api/sessions/{id}/rewind`.
    case rewind(RewindSession)
    /// A framework's rewind to just before a message (native API).
    case rewindBeforeMessage(RewindBeforeMessage)
    /// Mix `POST /api/sessions/{id}/cancel`.
    case cancelProcessing(CancelProcessing)
    /// The run ended without a final assistant message (native API).
    case finishProcessing(FinishProcessing)
    /// Explicit archive (server-side).
    case archive(ArchiveSession)
    /// Mixpeek `DELETE /v1/agents/sessions/{id}`.
    case terminate(TerminateSession)
    /// Attach a file.
    case addFile(AddFile)
    /// Detach a file.
    case removeFile(RemoveFile)
    /// Mix `DELETE /api/sessions/{id}`.
    case delete(DeleteSession)
    /// Native `POST /v1/sessions/{id}/fork`: the new session.
    case fork(ForkSession)
    /// Native `POST /v1/sessions/{id}/fork`: the note in the source.
    case recordFork(RecordFork)
    /// Native `POST /v1/sessions`: a session for an agent framework.
    case createFrameworkSession(CreateFrameworkSession)
    /// A framework's `pop_item` / `clear_session` (native API).
    case removeMessages(RemoveMessages)
    /// An ADK state delta (native API).
    case updateState(UpdateState)

    /// The session the command is about; `nil` for a create that lets ``Session/decide(_:state:context:)``
    /// pick the id (the id is then in the ``SessionCreated`` event).
    public var sessionID: SessionID? {
        switch self {
        case .create(let command): command.sessionID
        case .createAgentSession(let command): command.sessionID
        case .createSubagentSession(let command): command.sessionID
        case .rename(let command): command.sessionID
        case .appendMessage(let command): command.sessionID
        case .sendUserMessage(let command): command.sessionID
        case .sendAgentMessage(let command): command.sessionID
        case .recordToolResult(let command): command.sessionID
        case .recordCallbackResult(let command): command.sessionID
        case .replaceCallbacks(let command): command.sessionID
        case .updateUserMemory(let command): command.sessionID
        case .rewind(let command): command.sessionID
        case .rewindBeforeMessage(let command): command.sessionID
        case .cancelProcessing(let command): command.sessionID
        case .finishProcessing(let command): command.sessionID
        case .archive(let command): command.sessionID
        case .terminate(let command): command.sessionID
        case .addFile(let command): command.sessionID
        case .removeFile(let command): command.sessionID
        case .delete(let command): command.sessionID
        case .fork(let command): command.sessionID
        case .recordFork(let command): command.sessionID
        case .createFrameworkSession(let command): command.sessionID
        case .removeMessages(let command): command.sessionID
        case .updateState(let command): command.sessionID
        }
    }
}
