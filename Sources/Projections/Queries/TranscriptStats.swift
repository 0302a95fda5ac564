import Sessions

/// The numbers an auditor reads beside a transcript at a point: usage by kind, cost, latency, tool calls and
/// errors, over every message appended by then (removed ones too: a rewind does not refund what was spent).
public struct TranscriptStats: Sendable, Equatable {
    /// Prompt tokens, without cache tokens.
    public var inputTokens = 0
    /// Completion tokens.
    public var outputTokens = 0
    /// Prompt tokens written to the cache.
    public var cacheCreationTokens = 0
    /// Prompt tokens read from the cache.
    public var cacheReadTokens = 0
    /// The session's cost at the point (messages and sub-agents), as its counters report it.
    public var cost = 0.0
    /// The median latency of the messages that report one (nearest rank).
    public var latencyP50Ms: Double?
    /// The largest reported latency.
    public var latencyMaxMs: Double?
    /// Tool calls made.
    public var toolCalls = 0
    /// Tool calls whose latest result is an error, plus failed callbacks.
    public var errors = 0
    /// Messages live at the point.
    public var liveMessages = 0
    /// Messages a rewind had removed by the point.
    public var removedMessages = 0

    /// The stats of `messages` (a transcript as of a point, removed messages flagged) with the session's cost.
    init(_ messages: [TranscriptMessage], cost: Double) {
        self.cost = cost
        var latencies: [Double] = []
        for message in messages {
            let appended = message.appended
            inputTokens = SessionCounters.adding(appended.inputTokens ?? 0, to: inputTokens)
            outputTokens = SessionCounters.adding(appended.outputTokens ?? 0, to: outputTokens)
            cacheCreationTokens = SessionCounters.adding(appended.cacheCreationTokens ?? 0, to: cacheCreationTokens)
            cacheReadTokens = SessionCounters.adding(appended.cacheReadTokens ?? 0, to: cacheReadTokens)
            if let latency = appended.latencyMs { latencies.append(latency) }
            toolCalls += message.toolCalls.count
            errors += message.toolCalls.filter { $0.result?.isError == true }.count
            errors += message.callbackResults.filter { !$0.success }.count
            if message.isRemoved { removedMessages += 1 } else { liveMessages += 1 }
        }
        latencies.sort()
        if !latencies.isEmpty {
            latencyP50Ms = latencies[(latencies.count - 1) / 2]
            latencyMaxMs = latencies.last
        }
    }
}
