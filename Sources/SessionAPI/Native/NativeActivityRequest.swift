import Sessions

/// `POST /v1/sessions/{id}/events/batch`: several pieces of activity recorded as one append.
struct NativeActivityBatchRequest {
    static let keys: Set<String> = ["items"]
    var items: [NativeActivityRequest]
}

/// `POST /v1/sessions/{id}/events`: one piece of agent activity, discriminated by `type`:
/// `message` (an assistant, user or tool message with usage, cost, model, latency, finish reason, tool
/// calls and a framework's opaque `item`), `tool_result`, `callback_result`, `finish` (the run ended without
/// a final message), `pop` / `clear` (a framework's `pop_item` / `clear_session`), `rewind` (a framework's
/// rewind to just before `beforeMessageId`) or `state` (an ADK state `delta`).
struct NativeActivityRequest {
    struct ToolCallData {
        var id: String?
        var name: String?
        var input: String?
        var type: String?
        /// The first (in byte order) of the call's keys outside the four above.
        var unknownKey: String?
    }

    var type: String?
    // message
    var messageId: String?
    var role: String?
    var text: String?
    var reasoning: String?
    var reasoningDurationMs: Int?
    var model: String?
    var finishReason: String?
    var inputTokens: Int?
    var outputTokens: Int?
    var cacheCreationTokens: Int?
    var cacheReadTokens: Int?
    var cost: Double?
    var latencyMs: Double?
    var toolCalls: [ToolCallData]?
    var metadata: JSONValue?
    var item: JSONValue?
    // state
    var delta: JSONValue?
    // rewind
    var beforeMessageId: String?
    // tool_result / callback_result
    var toolCallId: String?
    var result: String?
    var isError: Bool?
    var screenshotUrls: [String]?
    var finished: Bool?
    var toolName: String?
    var callbackName: String?
    var callbackType: String?
    var stdout: String?
    var stderr: String?
    var exitCode: Int?
    var subagentId: String?
    var subagentResult: String?
    var success: Bool?
    var error: String?
    var excludeFromContext: Bool?
    var subagentCost: Double?
    /// The first (in byte order) of the activity's keys that none of the above reads: the activity is refused.
    var unknownKey: String?

    /// The command this activity records. Only shape is checked here (required keys, known enum spellings);
    /// every rule about the session is `Session.decide`'s.
    func command(for session: SessionID) throws -> SessionCommand {
        if let unknownKey { throw Self.unknown(unknownKey) }
        for (index, call) in (toolCalls ?? []).enumerated() {
            if let key = call.unknownKey { throw Self.unknown("toolCalls[\(index)].\(key)") }
        }
        switch type {
        case "message":
            guard let roleText = role, let role = MessageRole(rawValue: roleText) else {
                throw RequestBodyError.invalidParameter(name: "role", reason: "role must be one of: user, assistant, tool")
            }
            let calls = try (toolCalls ?? []).enumerated().map { index, call in
                guard let id = call.id.flatMap(ToolCallID.init(rawValue:)) else {
                    throw RequestBodyError.invalidParameter(
                        name: "toolCalls[\(index)].id", reason: "toolCalls[\(index)].id is required")
                }
                return ToolCall(id: id, name: call.name ?? "", input: call.input ?? "{}", type: call.type)
            }
            var metadataObject: JSONObject?
            if case .object(let object)? = metadata { metadataObject = object }
            return .appendMessage(
                AppendMessage(
                    sessionID: session, messageID: messageId.flatMap(MessageID.init(rawValue:)), role: role, text: text,
                    reasoning: reasoning, reasoningDurationMs: reasoningDurationMs, model: model,
                    finishReason: finishReason.flatMap(FinishReason.init(rawValue:)), inputTokens: inputTokens,
                    outputTokens: outputTokens, cacheCreationTokens: cacheCreationTokens,
                    cacheReadTokens: cacheReadTokens, cost: cost, latencyMs: latencyMs, toolCalls: calls,
                    metadata: metadataObject, item: item))
        case "tool_result":
            return .recordToolResult(
                RecordToolResult(
                    sessionID: session, toolCallID: try toolCall(), messageID: messageId.flatMap(MessageID.init(rawValue:)),
                    result: result ?? "", metadata: metadataText, isError: isError ?? false,
                    screenshotURLs: screenshotUrls ?? [], finished: finished ?? true))
        case "callback_result":
            guard let typeText = callbackType, let kind = CallbackType(rawValue: typeText) else {
                throw RequestBodyError.invalidParameter(
                    name: "callbackType", reason: "callbackType must be 'bash_script', 'sub_agent', or 'send_message'")
            }
            return .recordCallbackResult(
                RecordCallbackResult(
                    sessionID: session, messageID: messageId.flatMap(MessageID.init(rawValue:)), toolCallID: try toolCall(),
                    toolName: toolName ?? "", callbackName: callbackName, callbackType: kind, stdout: stdout,
                    stderr: stderr, exitCode: exitCode, subagentID: subagentId.flatMap(SessionID.init(rawValue:)),
                    subagentResult: subagentResult, success: success ?? false, error: error,
                    excludeFromContext: excludeFromContext ?? false, subagentCost: subagentCost))
        case "finish":
            return .finishProcessing(FinishProcessing(sessionID: session, error: error))
        case "pop":
            return .removeMessages(RemoveMessages(sessionID: session, removal: .pop))
        case "clear":
            return .removeMessages(RemoveMessages(sessionID: session, removal: .clear))
        case "rewind":
            guard let before = beforeMessageId.flatMap(MessageID.init(rawValue:)) else {
                throw RequestBodyError.invalidParameter(name: "beforeMessageId", reason: "beforeMessageId is required")
            }
            return .rewindBeforeMessage(RewindBeforeMessage(sessionID: session, messageID: before))
        case "state":
            guard case .object(let delta)? = delta else {
                throw RequestBodyError.invalidParameter(name: "delta", reason: "delta must be a JSON object")
            }
            return .updateState(UpdateState(sessionID: session, delta: delta))
        default:
            throw RequestBodyError.invalidParameter(
                name: "type",
                reason: "type must be one of: message, tool_result, callback_result, finish, pop, clear, rewind, state")
        }
    }

    private static func unknown(_ name: String) -> RequestBodyError {
        // Path-free: the batch routes put the item's index before `name`, and `field` carries the whole path.
        .invalidParameter(name: name, reason: "unknown field")
    }

    private func toolCall() throws -> ToolCallID {
        guard let id = toolCallId.flatMap(ToolCallID.init(rawValue:)) else {
            throw RequestBodyError.invalidParameter(name: "toolCallId", reason: "toolCallId is required")
        }
        return id
    }

    private var metadataText: String? {
        switch metadata {
        case .string(let text)?: text
        case nil, .null?: nil
        case let value?: APIJSON.line(value)
        }
    }
}
