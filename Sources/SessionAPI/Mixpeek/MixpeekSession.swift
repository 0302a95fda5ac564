import Foundation
import Projections
import Sessions

/// The Mixpeek `GetSessionResponse` (mixpeek-api.md §3.4), also the list's `results` entries.
///
/// A session created through Mix shows its title as `session_name` and its custom system prompt as
/// `agent_config.system_prompt`; a session without an expiry reports `expires_at` 9999-12-31T23:59:59Z.
struct MixpeekSession: Encodable {
    struct AgentConfigData: Encodable {
        var model: String
        var temperature: Double
        var max_tokens: Int
        var system_prompt: String
        var available_tools: [String]?
    }

    struct Stats: Encodable {
        var total_messages: Int
        var total_tokens: Int
        var total_tool_calls: Int
        var avg_latency_ms: Double
    }

    var session_id: String
    var namespace_id: String
    var internal_id: String
    var user_id: String?
    var session_name: String?
    var agent_config: AgentConfigData
    var user_memory: JSONObject?
    var status: String
    var message_count: Int
    var stats: Stats
    var created_at: Date
    var updated_at: Date
    var last_activity_at: Date
    var expires_at: Date

    /// The far-future `expires_at` of a session that never expires.
    static let never = Date(timeIntervalSince1970: 253_402_300_799)

    init(_ session: SessionSnapshot, status: SessionStatus) {
        let config = session.agentConfig ?? AgentConfig()
        session_id = session.id.rawValue
        namespace_id = session.namespace
        internal_id = "int_" + session.namespace
        user_id = session.userID
        session_name = session.title.flatMap { $0.isEmpty ? nil : $0 }
        agent_config = AgentConfigData(
            model: config.model, temperature: config.temperature, max_tokens: config.maxTokens,
            system_prompt: session.customSystemPrompt ?? AgentConfig.defaultSystemPrompt,
            available_tools: config.availableTools)
        user_memory = session.userMemory
        self.status = status.rawValue
        message_count = session.counters.messageCount
        stats = Stats(
            total_messages: session.counters.totalMessages, total_tokens: session.counters.totalTokens,
            total_tool_calls: session.counters.totalToolCalls, avg_latency_ms: session.counters.averageLatencyMs)
        created_at = session.createdAt
        updated_at = session.updatedAt
        last_activity_at = session.lastActivityAt
        expires_at = session.expiresAt ?? Self.never
    }
}
