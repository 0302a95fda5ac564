/// A tool call an assistant message made, as the model produced it.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The call's id, unique within the session; results refer to it.
    public var id: ToolCallID
    /// The tool's name, e.g. `Bash`.
    public var name: String
    /// The call's input as the JSON text the model produced (kept verbatim, even if truncated).
    public var input: String
    /// The call's kind as the provider names it, if any.
    public var type: String?

    /// Creates a tool call.
    public init(id: ToolCallID, name: String, input: String, type: String? = nil) {
        self.id = id
        self.name = name
        self.input = input
        self.type = type
    }
}
