import Foundation
import Sessions

/// `POST /v1/agents/sessions` body (mixpeek-api.md §4.1); undeclared top-level keys get 422 `extra_forbidden`.
struct MixpeekCreateSessionRequest: Decodable {
    static let keys: Set<String> = ["agent_config", "quotas", "user_id", "user_memory", "metadata", "enable_memory"]
    struct AgentConfigInputData: Decodable {
        var model: String?
        var temperature: Double?
        var max_tokens: Int?
        var system_prompt: String?
        var available_tools: [String]?

        var input: AgentConfigInput {
            AgentConfigInput(
                model: model, temperature: temperature, maxTokens: max_tokens, systemPrompt: system_prompt,
                availableTools: available_tools)
        }
    }

    struct QuotasData: Decodable {
        var max_messages: Int?
        var max_tokens_total: Int?
        var max_tool_calls: Int?
        var max_session_duration_minutes: Int?
        var rate_limit_messages_per_minute: Int?

        var quotas: SessionQuotas {
            SessionQuotas(
                maxMessages: max_messages, maxTokensTotal: max_tokens_total, maxToolCalls: max_tool_calls,
                maxSessionDurationMinutes: max_session_duration_minutes,
                rateLimitMessagesPerMinute: rate_limit_messages_per_minute)
        }
    }

    var agent_config: AgentConfigInputData?
    var quotas: QuotasData?
    var user_id: String?
    var user_memory: JSONObject?
    var metadata: JSONObject?
    var enable_memory: Bool?
}

/// `POST /v1/agents/sessions/list` body (mixpeek-api.md §3.2); optional, every field optional.
struct MixpeekListSessionsRequest: Decodable {
    static let keys: Set<String> = ["status", "filters", "sort"]
    var status: String?
    var filters: JSONObject?
    var sort: JSONObject?
}

/// `PATCH /v1/agents/sessions/{id}` body: only `user_memory` can change.
struct MixpeekPatchSessionRequest: Decodable {
    static let keys: Set<String> = ["user_memory"]
    var user_memory: JSONObject?
}

/// `CreateSessionResponse`.
struct MixpeekCreateSessionResponse: Encodable {
    var session_id: String
    var namespace_id: String
    var internal_id: String
    var session_name: String?
    var status: String
    var created_at: Date
    var expires_at: Date
}

/// `ListSessionsResponse`: `total` is always the true count (decision), `pagination` is
/// `{next_cursor, has_more, limit, offset}`.
struct MixpeekListSessionsResponse: Encodable {
    struct Pagination: Encodable {
        var next_cursor: String?
        var has_more: Bool
        var limit: Int
        var offset: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(next_cursor, forKey: .next_cursor)
            try container.encode(has_more, forKey: .has_more)
            try container.encode(limit, forKey: .limit)
            try container.encode(offset, forKey: .offset)
        }

        enum CodingKeys: String, CodingKey { case next_cursor, has_more, limit, offset }
    }
    var results: [MixpeekSession]
    var total: Int
    var pagination: Pagination
}

/// `PatchSessionResponse`.
struct MixpeekPatchSessionResponse: Encodable {
    var session_id: String
    var updated_at: Date
}

/// `TerminateSessionResponse`.
struct MixpeekTerminateSessionResponse: Encodable {
    var session_id: String
    var status: String
    var terminated_at: Date
}

/// `GetHistoryResponse` and its `MessageHistoryItem`s.
struct MixpeekHistoryResponse: Encodable {
    struct Item: Encodable {
        var message_id: String
        var role: String
        var content: String
        var content_type: String
        var tool_name: String?
        var tool_inputs: String?
        var tool_outputs: String?
        var tool_status: String?
        var timestamp: Date

        init(_ message: TranscriptMessage) {
            let appended = message.appended
            message_id = appended.messageID.rawValue
            role = appended.role.rawValue
            content = appended.text ?? ""
            timestamp = message.appendedAt
            if let record = message.toolCalls.first {
                content_type = "tool_call"
                tool_name = record.call.name
                tool_inputs = record.call.input
                tool_outputs = record.result?.result
                tool_status = record.result.map { $0.isError ? "error" : ($0.finished ? "success" : "running") } ?? "pending"
            } else if appended.role == .tool {
                content_type = "tool_result"
            } else {
                content_type = "text"
            }
        }
    }
    var session_id: String
    var messages: [Item]
    var total_messages: Int
    var returned_messages: Int
    var has_more: Bool
}
