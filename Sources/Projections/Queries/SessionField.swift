/// A field of a session that a list can filter and sort on, valued as ``SessionSnapshot`` reports it.
public enum SessionField: Sendable, Equatable {
    case id
    case namespace
    case userID
    /// The title; an empty title counts as none.
    case title
    /// The status derived at the store's clock (terminated > archived > active while processing > idle).
    case status
    /// Live messages of every role (Mixpeek `message_count`).
    case messageCount
    /// Every message ever appended.
    case totalMessages
    /// Prompt plus completion tokens.
    case totalTokens
    case totalToolCalls
    /// The mean latency over messages that recorded one, 0 when none did.
    case averageLatencyMs
    case createdAt
    case updatedAt
    case lastActivityAt
    /// When the session expires; a session that never does counts as 9999-12-31T23:59:59Z.
    case expiresAt
    /// The agent configuration's model, its default when the session has no configuration.
    case model
    case temperature
    case maxTokens
    /// The custom system prompt, else the default one.
    case systemPrompt
    /// The configuration's tool list (a JSON array), `nil` when any tool is allowed.
    case availableTools
    /// A value inside the user memory at a path of object keys; the whole memory when the path is empty.
    case userMemory(path: [String])
    /// A value inside the create metadata at a path of object keys; the whole metadata when the path is empty.
    case metadata(path: [String])

    /// Whether the field is a time (compared as times, not text).
    public var isTime: Bool {
        switch self {
        case .createdAt, .updatedAt, .lastActivityAt, .expiresAt: true
        default: false
        }
    }
}
