/// What a Mix callback does after a matching tool call finishes.
public enum CallbackType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Runs ``Callback/bashCommand`` in the session's shell.
    case bashScript = "bash_script"
    /// Starts a sub-agent session with ``Callback/subAgentPrompt``.
    case subAgent = "sub_agent"
    /// Inserts a user message with ``Callback/messageContent``.
    case sendMessage = "send_message"
}
