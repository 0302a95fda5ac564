import Foundation
import Sessions

/// A message as Mix `GET /api/sessions/{id}/messages` and `/api/messages/history` return it (mix-api.md §2.9).
struct MixBackendMessage: Encodable {
    struct ToolCallData: Encodable {
        var id: String
        var name: String
        var input: String
        var type: String
        var finished: Bool
        var result: String?
        var isError: Bool?
        var screenshotUrls: [String]?
    }

    struct CallbackResultData: Encodable {
        var tool_call_id: String
        var tool_name: String
        var callback_name: String?
        var callback_type: String
        var stdout: String?
        var stderr: String?
        var exit_code: Int?
        var subagent_id: String?
        var subagent_result: String?
        var success: Bool
        var error: String?
    }

    var id: String
    var sessionId: String
    var role: String
    var userInput: String
    var assistantResponse: String?
    var toolCalls: [ToolCallData]?
    var callbackResults: [CallbackResultData]?
    var reasoning: String?
    var reasoningDuration: Int?
    var inputTokens: Int?
    var outputTokens: Int?
    var cacheCreationTokens: Int?
    var cacheReadTokens: Int?
    var cost: Double?
    var model: String?

    init(_ message: TranscriptMessage, sessionID: SessionID) {
        let appended = message.appended
        let text = appended.text ?? ""
        id = appended.messageID.rawValue
        sessionId = sessionID.rawValue
        role = appended.role.rawValue
        userInput = text
        assistantResponse = appended.role != .user && !text.isEmpty ? text : nil
        toolCalls =
            message.toolCalls.isEmpty
            ? nil
            : message.toolCalls.map { record in
                ToolCallData(
                    id: record.call.id.rawValue, name: record.call.name, input: record.call.input,
                    type: record.call.type ?? "tool_use", finished: record.isFinished, result: record.result?.result,
                    isError: record.result.map(\.isError).flatMap { $0 ? true : nil },
                    screenshotUrls: record.result.flatMap { $0.screenshotURLs.isEmpty ? nil : $0.screenshotURLs })
            }
        callbackResults =
            message.callbackResults.isEmpty
            ? nil
            : message.callbackResults.map { result in
                CallbackResultData(
                    tool_call_id: result.toolCallID.rawValue, tool_name: result.toolName,
                    callback_name: result.callbackName, callback_type: result.callbackType.rawValue,
                    stdout: result.stdout, stderr: result.stderr, exit_code: result.exitCode,
                    subagent_id: result.subagentID?.rawValue, subagent_result: result.subagentResult,
                    success: result.success, error: result.error)
            }
        reasoning = appended.reasoning.flatMap { $0.isEmpty ? nil : $0 }
        reasoningDuration = appended.reasoningDurationMs.flatMap { $0 == 0 ? nil : $0 }
        inputTokens = appended.inputTokens.flatMap { $0 == 0 ? nil : $0 }
        outputTokens = appended.outputTokens.flatMap { $0 == 0 ? nil : $0 }
        cacheCreationTokens = appended.cacheCreationTokens.flatMap { $0 == 0 ? nil : $0 }
        cacheReadTokens = appended.cacheReadTokens.flatMap { $0 == 0 ? nil : $0 }
        cost = appended.cost.flatMap { $0 == 0 ? nil : $0 }
        model = appended.model
    }
}
