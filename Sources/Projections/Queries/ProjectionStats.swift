/// Totals over the sessions that exist (deleted ones excluded), for a namespace or the whole store.
public struct ProjectionStats: Sendable, Equatable {
    /// Sessions that exist.
    public var sessions: Int
    /// Sessions deleted (tombstones).
    public var deletedSessions: Int
    /// Live messages (Mixpeek `message_count` summed).
    public var messages: Int
    /// Every message ever appended (Mixpeek `total_messages` summed).
    public var totalMessages: Int
    /// Mixpeek `total_tokens` summed.
    public var totalTokens: Int
    /// Mixpeek `total_tool_calls` summed.
    public var totalToolCalls: Int
    /// Mix `cost` summed, in dollars.
    public var cost: Double
    /// The mean latency over every message that recorded one, in milliseconds (0 when none).
    public var averageLatencyMs: Double
}
