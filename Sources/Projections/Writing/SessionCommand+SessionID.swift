import Sessions

extension SessionCommand {
    /// The command with `id` as its session, for the creates (a create that named no session gets its
    /// id before it is decided, so the writer can serialize on it). Other commands are returned unchanged.
    func assigningSessionID(_ id: SessionID) -> SessionCommand {
        switch self {
        case .create(var command):
            command.sessionID = id
            return .create(command)
        case .createAgentSession(var command):
            command.sessionID = id
            return .createAgentSession(command)
        case .createSubagentSession(var command):
            command.sessionID = id
            return .createSubagentSession(command)
        case .fork(var command):
            command.sessionID = id
            return .fork(command)
        case .createFrameworkSession(var command):
            command.sessionID = id
            return .createFrameworkSession(command)
        default:
            return self
        }
    }
}
