import Foundation
import Sessions

/// A session as every API face reports it, at one point of its history: its fields, Mix counters, Mixpeek
/// stats, callbacks and files — everything of ``Sessions/SessionState`` but the transcript.
///
/// Read from the projections (``ProjectionStore/session(_:at:)``) or made from a fold
/// (``init(_:)``); the two are equal for the same events, which the tests check. Status is not stored: it
/// depends on the reader's clock, see ``status(now:idleTimeout:)``.
public struct SessionSnapshot: Sendable, Equatable {
    /// The session's id.
    public var id: SessionID
    /// The namespace.
    public var namespace: String
    /// Which API face created the session.
    public var origin: SessionOrigin
    /// Mix `title` / Mixpeek `session_name`.
    public var title: String?
    /// Mix `customSystemPrompt` / Mixpeek `agent_config.system_prompt`.
    public var customSystemPrompt: String?
    /// Mix `promptMode`.
    public var promptMode: PromptMode
    /// Mix `browserMode`.
    public var browserMode: BrowserMode
    /// Mix `cdpUrl`.
    public var cdpURL: String?
    /// Mix `sessionType`.
    public var sessionType: SessionType
    /// Mix `subagentType`.
    public var subagentType: String?
    /// Mix `parentSessionId`.
    public var parentSessionID: SessionID?
    /// Mix `parentToolCallId`.
    public var parentToolCallID: ToolCallID?
    /// Mix `callbacks`, in order.
    public var callbacks: [Callback]
    /// Mixpeek `user_id`.
    public var userID: String?
    /// Mixpeek `agent_config` (without the system prompt).
    public var agentConfig: AgentConfig?
    /// Mixpeek quotas.
    public var quotas: SessionQuotas?
    /// Mixpeek `user_memory`.
    public var userMemory: JSONObject?
    /// Mixpeek create metadata (never echoed by the Mixpeek API).
    public var metadata: JSONObject?
    /// Mixpeek `enable_memory`.
    public var enableMemory: Bool?
    /// Mixpeek `expires_at`; `nil` never expires.
    public var expiresAt: Date?
    /// The Mix counters and Mixpeek stats.
    public var counters: SessionCounters
    /// Mix `firstUserMessage`: the text of the earliest live user message.
    public var firstUserMessage: String?
    /// Whether an agent run is in progress (Mix "processing").
    public var isProcessing: Bool
    /// When the session was archived explicitly.
    public var archivedAt: Date?
    /// When the session was terminated.
    public var terminatedAt: Date?
    /// When the session was created.
    public var createdAt: Date
    /// When any event last changed the session.
    public var updatedAt: Date
    /// When the conversation last moved.
    public var lastActivityAt: Date
    /// The session's version: the stream version of its last event at this point.
    public var version: UInt64
    /// The files attached at this point, in the order added.
    public var files: [SessionFile]
    /// The session and position this session was forked from, if it was.
    public var forkedFrom: ForkOrigin?
    /// The agent framework's app (ADK `app_name`).
    public var appName: String?
    /// The session's own state keys at this point (``Sessions/SessionState/state``); the shared `app:` and
    /// `user:` keys are read with ``ProjectionStore/sharedState(namespace:appName:userID:)``.
    public var state: JSONObject

    /// Creates a snapshot from a fold of the session's events; `nil` when the session does not exist
    /// (never created, or deleted).
    public init?(_ state: SessionState) {
        guard state.exists, let id = state.id, let origin = state.origin, let createdAt = state.createdAt,
            let updatedAt = state.updatedAt, let lastActivityAt = state.lastActivityAt
        else { return nil }
        self.init(
            id: id, namespace: state.namespace, origin: origin, title: state.title,
            customSystemPrompt: state.customSystemPrompt, promptMode: state.promptMode,
            browserMode: state.browserMode, cdpURL: state.cdpURL, sessionType: state.sessionType,
            subagentType: state.subagentType, parentSessionID: state.parentSessionID,
            parentToolCallID: state.parentToolCallID, callbacks: state.callbacks, userID: state.userID,
            agentConfig: state.agentConfig, quotas: state.quotas, userMemory: state.userMemory,
            metadata: state.metadata, enableMemory: state.enableMemory, expiresAt: state.expiresAt,
            counters: state.counters, firstUserMessage: state.firstUserMessage, isProcessing: state.isProcessing,
            archivedAt: state.archivedAt, terminatedAt: state.terminatedAt, createdAt: createdAt,
            updatedAt: updatedAt, lastActivityAt: lastActivityAt, version: state.version, files: state.files,
            forkedFrom: state.forkedFrom, appName: state.appName, state: state.state)
    }

    /// Creates a snapshot from its fields.
    public init(
        id: SessionID, namespace: String, origin: SessionOrigin, title: String?, customSystemPrompt: String?,
        promptMode: PromptMode, browserMode: BrowserMode, cdpURL: String?, sessionType: SessionType,
        subagentType: String?, parentSessionID: SessionID?, parentToolCallID: ToolCallID?, callbacks: [Callback],
        userID: String?, agentConfig: AgentConfig?, quotas: SessionQuotas?, userMemory: JSONObject?,
        metadata: JSONObject?, enableMemory: Bool?, expiresAt: Date?, counters: SessionCounters,
        firstUserMessage: String?, isProcessing: Bool, archivedAt: Date?, terminatedAt: Date?, createdAt: Date,
        updatedAt: Date, lastActivityAt: Date, version: UInt64, files: [SessionFile], forkedFrom: ForkOrigin? = nil,
        appName: String? = nil, state: JSONObject = [:]
    ) {
        self.id = id
        self.namespace = namespace
        self.origin = origin
        self.title = title
        self.customSystemPrompt = customSystemPrompt
        self.promptMode = promptMode
        self.browserMode = browserMode
        self.cdpURL = cdpURL
        self.sessionType = sessionType
        self.subagentType = subagentType
        self.parentSessionID = parentSessionID
        self.parentToolCallID = parentToolCallID
        self.callbacks = callbacks
        self.userID = userID
        self.agentConfig = agentConfig
        self.quotas = quotas
        self.userMemory = userMemory
        self.metadata = metadata
        self.enableMemory = enableMemory
        self.expiresAt = expiresAt
        self.counters = counters
        self.firstUserMessage = firstUserMessage
        self.isProcessing = isProcessing
        self.archivedAt = archivedAt
        self.terminatedAt = terminatedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastActivityAt = lastActivityAt
        self.version = version
        self.files = files
        self.forkedFrom = forkedFrom
        self.appName = appName
        self.state = state
    }

    /// The status at `now` (mixpeek-api.md, Decisions): terminated > archived (explicitly, or at or past
    /// ``expiresAt``) > active while processing > idle after `idleTimeout` seconds without activity > active.
    /// The same rule as ``Sessions/SessionState/status(now:idleTimeout:)``.
    public func status(now: Date, idleTimeout: TimeInterval) -> SessionStatus {
        if terminatedAt != nil { return .terminated }
        if archivedAt != nil || expiresAt.map({ now >= $0 }) == true { return .archived }
        if isProcessing { return .active }
        if now.timeIntervalSince(lastActivityAt) >= idleTimeout { return .idle }
        return .active
    }
}
