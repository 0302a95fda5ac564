extension AgentConfigInput {
    /// Validates the ranges of mixpeek-api.md §3.4 and fills the 0.82 defaults.
    ///
    /// Messages are pydantic v2's, as Mixpeek (FastAPI) words them; fields are dotted paths.
    /// - Throws: ``SessionError/validation(field:message:)``.
    func validated() throws(SessionError) -> AgentConfig {
        if let temperature {
            let field = "agent_config.temperature"
            guard temperature.isFinite else {
                throw .validation(field: field, message: "Input should be a finite number")
            }
            guard temperature >= 0 else {
                throw .validation(field: field, message: "Input should be greater than or equal to 0")
            }
            guard temperature <= 2 else {
                throw .validation(field: field, message: "Input should be less than or equal to 2")
            }
        }
        if let maxTokens {
            let field = "agent_config.max_tokens"
            guard maxTokens >= 1 else {
                throw .validation(field: field, message: "Input should be greater than or equal to 1")
            }
            guard maxTokens <= 100_000 else {
                throw .validation(field: field, message: "Input should be less than or equal to 100000")
            }
        }
        return AgentConfig(
            model: model ?? AgentConfig.defaultModel,
            temperature: temperature ?? AgentConfig.defaultTemperature,
            maxTokens: maxTokens ?? AgentConfig.defaultMaxTokens,
            availableTools: availableTools
        )
    }
}
