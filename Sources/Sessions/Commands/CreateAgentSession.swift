import Foundation

/// Create a session through the Mixpeek API (`POST /v1/agents/sessions`).
public struct CreateAgentSession: Sendable, Equatable {
    /// The id to use (e.g. `ses_…`); a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var sessionID: SessionID?
    /// The namespace of `X-Namespace`; required.
    public var namespace: String
    /// Required.
    public var agentConfig: AgentConfigInput?
    /// Each set quota at least 1.
    public var quotas: SessionQuotas?
    /// The Mixpeek user.
    public var userID: String?
    /// The initial user memory.
    public var userMemory: JSONObject?
    /// Request metadata, kept but never echoed.
    public var metadata: JSONObject?
    /// Semantic memory on or off (default on).
    public var enableMemory: Bool

    /// Creates the command.
    public init(
        sessionID: SessionID? = nil,
        namespace: String,
        agentConfig: AgentConfigInput?,
        quotas: SessionQuotas? = nil,
        userID: String? = nil,
        userMemory: JSONObject? = nil,
        metadata: JSONObject? = nil,
        enableMemory: Bool = true
    ) {
        self.sessionID = sessionID
        self.namespace = namespace
        self.agentConfig = agentConfig
        self.quotas = quotas
        self.userID = userID
        self.userMemory = userMemory
        self.metadata = metadata
        self.enableMemory = enableMemory
    }
}
