import Sessions

/// The counters of a transcript as of a position, added up message by message in log order, as the fold adds
/// them: tokens, cost and latency count for every message appended by then (a rewind never rolls them back),
/// the message counts only for live ones; sub-agent costs are interleaved by position.
struct TranscriptTally {
    private(set) var counters = SessionCounters()
    /// The position of the earliest live user message.
    private(set) var firstUserPosition: Int64?
    private let subagentCosts: [(position: Int64, cost: Double)]
    private var nextCost = 0

    /// A tally that adds `subagentCosts` (in position order) where they fall between messages.
    init(subagentCosts: [(position: Int64, cost: Double)]) {
        self.subagentCosts = subagentCosts
    }

    /// Counts one message, appended at `added`; `isLive` when no rewind had removed it by the position.
    mutating func add(
        added: Int64, role: MessageRole, isLive: Bool, tokens: (input: Int?, output: Int?, cacheCreation: Int?, cacheRead: Int?),
        cost: Double?, latencyMs: Double?, toolCallCount: Int
    ) {
        while nextCost < subagentCosts.count, subagentCosts[nextCost].position < added {
            counters.cost += subagentCosts[nextCost].cost
            nextCost += 1
        }
        counters.totalMessages += 1
        if isLive {
            counters.messageCount += 1
            switch role {
            case .user: counters.userMessageCount += 1
            case .assistant: counters.assistantMessageCount += 1
            case .tool: counters.toolCallCount += 1
            }
            if role == .user, firstUserPosition == nil { firstUserPosition = added }
        }
        counters.promptTokens = SessionCounters.adding(
            SessionCounters.promptTokens(input: tokens.input, cacheCreation: tokens.cacheCreation),
            to: counters.promptTokens)
        counters.completionTokens = SessionCounters.adding(
            SessionCounters.completionTokens(output: tokens.output, cacheRead: tokens.cacheRead),
            to: counters.completionTokens)
        counters.cost += cost ?? 0
        counters.totalToolCalls += toolCallCount
        if let latencyMs {
            counters.latencySumMs += latencyMs
            counters.latencySamples += 1
        }
    }

    /// The counters once every message is added (the sub-agent costs after the last message included).
    mutating func finish() -> SessionCounters {
        while nextCost < subagentCosts.count {
            counters.cost += subagentCosts[nextCost].cost
            nextCost += 1
        }
        return counters
    }
}
