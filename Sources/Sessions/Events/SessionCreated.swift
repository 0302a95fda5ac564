import Foundation

/// A session was created, through the Mix API, the Mixpeek API or by the runtime for a sub-agent.
///
/// One session model serves all API faces: ``title`` is Mix `title` and Mixpeek `session_name`;
/// ``customSystemPrompt`` is Mix `customSystemPrompt` and Mixpeek `agent_config.system_prompt`.
/// Wire type `session.created`, schema version 1.
public struct SessionCreated: Sendable, Equatable, Codable {
    /// The new session's id: the log stream it opens.
    public var sessionID: SessionID
    /// The namespace (tenant) the session belongs to; another namespace's key sees a 404.
    public var namespace: String
    /// Which API face created the session.
    public var origin: SessionOrigin
    /// The Mix title / Mixpeek session name, stored whole; `nil` for a Mixpeek session until named.
    public var title: String?
    /// The one system prompt of the session.
    public var customSystemPrompt: String?
    /// How ``customSystemPrompt`` combines with the built-in prompt.
    public var promptMode: PromptMode
    /// Where the browser runs (``BrowserMode/localBrowserService`` unless Mix said otherwise).
    public var browserMode: BrowserMode
    /// The DevTools WebSocket URL of a remote browser.
    public var cdpURL: String?
    /// Main or sub-agent session.
    public var sessionType: SessionType
    /// The sub-agent's type (`general-purpose`), sub-agent sessions only.
    public var subagentType: String?
    /// The session that delegated to this sub-agent session.
    public var parentSessionID: SessionID?
    /// The parent's tool call that started this sub-agent session.
    public var parentToolCallID: ToolCallID?
    /// The Mix callbacks in force.
    public var callbacks: [Callback]
    /// The Mixpeek user the session belongs to.
    public var userID: String?
    /// The Mixpeek agent configuration, defaults filled in.
    public var agentConfig: AgentConfig?
    /// The Mixpeek quotas.
    public var quotas: SessionQuotas?
    /// The initial Mixpeek user memory.
    public var userMemory: JSONObject?
    /// Mixpeek request metadata: accepted and kept, never echoed by the Mixpeek API.
    public var metadata: JSONObject?
    /// Whether Mixpeek semantic memory is on.
    public var enableMemory: Bool?
    /// When the session becomes archived by expiry (whole seconds); `nil` never expires.
    public var expiresAt: Date?
    /// The session and position this session was forked from; `nil` unless created by a fork.
    public var forkedFrom: ForkOrigin?
    /// The agent framework's app (ADK `app_name`); scope of `app:` state keys.
    public var appName: String?

    /// Creates the event; ``Session/decide(_:state:context:)`` is the only intended author.
    public init(
        sessionID: SessionID,
        namespace: String,
        origin: SessionOrigin,
        title: String? = nil,
        customSystemPrompt: String? = nil,
        promptMode: PromptMode = .default,
        browserMode: BrowserMode = .localBrowserService,
        cdpURL: String? = nil,
        sessionType: SessionType = .main,
        subagentType: String? = nil,
        parentSessionID: SessionID? = nil,
        parentToolCallID: ToolCallID? = nil,
        callbacks: [Callback] = [],
        userID: String? = nil,
        agentConfig: AgentConfig? = nil,
        quotas: SessionQuotas? = nil,
        userMemory: JSONObject? = nil,
        metadata: JSONObject? = nil,
        enableMemory: Bool? = nil,
        expiresAt: Date? = nil,
        forkedFrom: ForkOrigin? = nil,
        appName: String? = nil
    ) {
        self.sessionID = sessionID
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
        self.forkedFrom = forkedFrom
        self.appName = appName
    }

    enum CodingKeys: String, CodingKey {
        case sessionID = "sessionId", namespace, origin, title, customSystemPrompt, promptMode, browserMode
        case cdpURL = "cdpUrl", sessionType, subagentType, parentSessionID = "parentSessionId"
        case parentToolCallID = "parentToolCallId", callbacks, userID = "userId", agentConfig, quotas
        case userMemory, metadata, enableMemory, expiresAt, forkedFrom, appName
    }
}
