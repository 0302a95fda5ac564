extension SessionCounters {
    /// The most one message may report for each of its tokens, cost and latency fields (decide refuses more): far
    /// above any real call, and low enough that summing a session's messages stays finite.
    public static let maximumPerMessage = 1_000_000_000_000

    /// A message's prompt tokens as the counters count them: input plus cache-creation (``promptTokens``).
    public static func promptTokens(input: Int?, cacheCreation: Int?) -> Int {
        adding(cacheCreation ?? 0, to: input ?? 0)
    }

    /// A message's completion tokens as the counters count them: output plus cache-read (``completionTokens``).
    public static func completionTokens(output: Int?, cacheRead: Int?) -> Int {
        adding(cacheRead ?? 0, to: output ?? 0)
    }

    /// `total + count`, held at `Int.max` instead of trapping: the fold and the projections add up stored events,
    /// and no event may make a log impossible to replay (one written before decide capped the fields included).
    public static func adding(_ count: Int, to total: Int) -> Int {
        let (sum, overflow) = total.addingReportingOverflow(count)
        return overflow ? (count > 0 ? .max : .min) : sum
    }
}
