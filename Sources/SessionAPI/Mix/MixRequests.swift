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
struct MixSendMessageRequest: JSONReadable {
    static let keys: Set<String> = ["text", "plan_mode", "thinking_level", "max_steps"]
    var text: String?
    var planMode: Bool?
    var thinkingLevel: String?
    var maxSteps: Int?

    /// Read by the event codec's reader, as the native append bodies are (decision 0117).
    init(reading json: inout JSONReader) throws(JSONReadError) {
        var body = (text: String?.none, planMode: Bool?.none, thinkingLevel: String?.none, maxSteps: Int?.none)
        try json.readObject { json, key throws(JSONReadError) in
            if key == "text" {
                body.text = try json.readIfPresent()
            } else if key == "plan_mode" {
                body.planMode = try json.readIfPresent()
            } else if key == "thinking_level" {
                body.thinkingLevel = try json.readIfPresent()
            } else if key == "max_steps" {
                body.maxSteps = try json.readIfPresent()
            } else {
                try json.skipValue()
            }
        }
        (text, planMode, thinkingLevel, maxSteps) = body
    }
}
