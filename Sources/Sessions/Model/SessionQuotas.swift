/// A Mixpeek session's quotas as stored; `nil` means unlimited. Each set value is at least 1.
public struct SessionQuotas: Sendable, Hashable, Codable {
    /// At most this many messages in the session (``SessionCounters/totalMessages``).
    public var maxMessages: Int?
    /// At most this many tokens in the session (``SessionCounters/totalTokens``).
    public var maxTokensTotal: Int?
    /// At most this many tool calls in the session (``SessionCounters/totalToolCalls``).
    public var maxToolCalls: Int?
    /// The session's lifetime cap, in minutes; it shortens ``SessionCreated/expiresAt``.
    public var maxSessionDurationMinutes: Int?
    /// At most this many user messages in any 60 seconds.
    public var rateLimitMessagesPerMinute: Int?

    /// Creates quotas; all unlimited by default.
    public init(
        maxMessages: Int? = nil,
        maxTokensTotal: Int? = nil,
        maxToolCalls: Int? = nil,
        maxSessionDurationMinutes: Int? = nil,
        rateLimitMessagesPerMinute: Int? = nil
    ) {
        self.maxMessages = maxMessages
        self.maxTokensTotal = maxTokensTotal
        self.maxToolCalls = maxToolCalls
        self.maxSessionDurationMinutes = maxSessionDurationMinutes
        self.rateLimitMessagesPerMinute = rateLimitMessagesPerMinute
    }
}
