/// The numbers the Mix `SessionData` and the Mixpeek `stats` report, kept up to date by the fold.
///
/// Mix counts (mix-api.md §2.12) are over live messages: a rewind's removed messages stop counting.
/// Tokens and cost are never rolled back (§2.7) and are summed over the session (decision (f)).
/// Mixpeek stats are usage: they count everything ever appended, removed messages included.
public struct SessionCounters: Sendable, Equatable {
    /// Mix `userMessageCount`: live `user` messages (callback `send_message` injections included).
    public var userMessageCount = 0
    /// Mix `assistantMessageCount`: live `assistant` messages, one per LLM call.
    public var assistantMessageCount = 0
    /// Mix `toolCallCount`: live `tool` messages, i.e. one per tool-using step plus one per callback result.
    public var toolCallCount = 0
    /// Mix `promptTokens`: Σ (input + cache-creation tokens) over every assistant message ever appended.
    public var promptTokens = 0
    /// Mix `completionTokens`: Σ (output + cache-read tokens) over every assistant message ever appended.
    public var completionTokens = 0
    /// Mix `cost`: Σ message costs plus sub-agent callback costs, in dollars.
    public var cost = 0.0
    /// Mixpeek `message_count`: live messages of every role.
    public var messageCount = 0
    /// Mixpeek `stats.total_messages`: every message ever appended, of every role.
    public var totalMessages = 0
    /// Mixpeek `stats.total_tool_calls`: every tool call ever made by an assistant message.
    public var totalToolCalls = 0
    /// Σ of the latencies recorded on messages, in milliseconds.
    public var latencySumMs = 0.0
    /// How many messages recorded a latency.
    public var latencySamples = 0

    /// Creates zeroed counters.
    public init() {}

    /// Mixpeek `stats.total_tokens`: ``promptTokens`` + ``completionTokens``.
    public var totalTokens: Int { Self.adding(completionTokens, to: promptTokens) }

    /// Mixpeek `stats.avg_latency_ms`: the mean over messages that recorded a latency, 0 when none did.
    public var averageLatencyMs: Double { latencySamples == 0 ? 0 : latencySumMs / Double(latencySamples) }
}
