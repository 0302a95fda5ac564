/// Who wrote a transcript message.
public enum MessageRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The user (or a `send_message` callback speaking for them).
    case user
    /// One LLM call: text, reasoning, tool calls and token usage.
    case assistant
    /// Tool results or one callback result, written after an assistant step.
    case tool
}
