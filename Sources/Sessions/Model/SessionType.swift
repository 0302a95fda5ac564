/// Whether a session was created by a client or by the task-delegation system for a sub-agent.
public enum SessionType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A session a client created.
    case main
    /// A session the runtime created for a sub-agent, with a parent session and tool call.
    case subagent
}
