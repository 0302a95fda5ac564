import Foundation

extension SessionState {
    /// Checks the Mixpeek quotas before a new user message starts a run.
    ///
    /// Quotas guard the start of work, never the recording of what already happened: a run may end past a
    /// limit, and the next send is refused. Usage counts are the Mixpeek stats (removed messages included), copies
    /// a fork made of its source's messages too; the per-minute rate limit counts only messages sent to this
    /// session, not those copies (recorded at the fork's time, though nobody sent them then).
    /// - Parameter now: The decision's time, for the per-minute rate limit (user messages sent in the last 60 s).
    /// - Throws: ``SessionError/quotaExceeded(quota:message:)``.
    func checkQuotasBeforeSend(now: Date) throws(SessionError) {
        guard let quotas else { return }
        if let limit = quotas.maxMessages, counters.totalMessages >= limit {
            throw .quotaExceeded(quota: "max_messages", message: "Session quota max_messages (\(limit)) reached")
        }
        if let limit = quotas.maxTokensTotal, counters.totalTokens >= limit {
            throw .quotaExceeded(
                quota: "max_tokens_total",
                message: "Session quota max_tokens_total (\(limit)) reached"
            )
        }
        if let limit = quotas.maxToolCalls, counters.totalToolCalls >= limit {
            throw .quotaExceeded(quota: "max_tool_calls", message: "Session quota max_tool_calls (\(limit)) reached")
        }
        if let limit = quotas.rateLimitMessagesPerMinute {
            let windowStart = now.addingTimeInterval(-60)
            var recent = 0
            for message in messageFacts.reversed() {
                guard message.appendedAt > windowStart else { break }
                if message.role == .user, !message.isCopy { recent += 1 }
            }
            if recent >= limit {
                throw .quotaExceeded(
                    quota: "rate_limit_messages_per_minute",
                    message: "Rate limit of \(limit) messages per minute reached"
                )
            }
        }
    }
}
