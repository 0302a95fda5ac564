extension SessionQuotas {
    /// Checks that every set quota is at least 1 (mixpeek-api.md §4.1, `SessionQuotas`).
    /// - Throws: ``SessionError/validation(field:message:)`` naming `quotas.<name>`.
    func validate() throws(SessionError) {
        let quotas: [(String, Int?)] = [
            ("max_messages", maxMessages), ("max_tokens_total", maxTokensTotal), ("max_tool_calls", maxToolCalls),
            ("max_session_duration_minutes", maxSessionDurationMinutes),
            ("rate_limit_messages_per_minute", rateLimitMessagesPerMinute),
        ]
        for (name, value) in quotas {
            if let value, value < 1 {
                throw .validation(field: "quotas.\(name)", message: "Input should be greater than or equal to 1")
            }
        }
    }
}
