import Sessions

/// `POST /api/sessions` body (mix-api.md §2.2); unknown keys are refused.
struct MixCreateSessionRequest: Decodable {
    static let keys: Set<String> = [
        "title", "browserMode", "customSystemPrompt", "promptMode", "sessionType", "subagentType", "cdpUrl",
        "callbacks",
    ]
    var title: String?
    var browserMode: String?
    var customSystemPrompt: String?
    var promptMode: String?
    var sessionType: String?
    var subagentType: String?
    var cdpUrl: String?
    var callbacks: [MixCallbackInput]?
}

/// A callback as a client sends it; every field optional so validation (in Sessions) names what is missing.
struct MixCallbackInput: Decodable {
    var name: String?
    var toolName: String?
    var type: String?
    var bashCommand: String?
    var bashTimeout: Int?
    var subAgentPrompt: String?
    var subAgentType: String?
    var includeFullHistory: Bool?
    var messageContent: String?
    var excludeFromContext: Bool?

    var input: CallbackInput {
        CallbackInput(
            name: name, toolName: toolName, type: type, bashCommand: bashCommand, bashTimeout: bashTimeout,
            subAgentPrompt: subAgentPrompt, subAgentType: subAgentType, includeFullHistory: includeFullHistory,
            messageContent: messageContent, excludeFromContext: excludeFromContext)
    }
}

/// `PATCH /api/sessions/{id}/callbacks` body; lenient (unknown keys ignored), `null` or missing clears.
struct MixUpdateCallbacksRequest: Decodable {
    var callbacks: [MixCallbackInput]?
}

/// `POST /api/sessions/{id}/rewind` body; unknown keys are refused.
struct MixRewindRequest: Decodable {
    static let keys: Set<String> = ["messageId", "cleanupMedia"]
    var messageId: String?
    var cleanupMedia: Bool?
}

/// `POST /api/sessions/{id}/messages` body (snake_case keys); unknown keys are refused.
struct MixSendMessageRequest: Decodable {
    static let keys: Set<String> = ["text", "plan_mode", "thinking_level", "max_steps"]
    var text: String?
    var planMode: Bool?
    var thinkingLevel: String?
    var maxSteps: Int?

    enum CodingKeys: String, CodingKey {
        case text, planMode = "plan_mode", thinkingLevel = "thinking_level", maxSteps = "max_steps"
    }
}
