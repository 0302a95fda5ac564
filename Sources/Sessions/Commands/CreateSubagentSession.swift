/// Create a sub-agent session for the task-delegation system or a `sub_agent` callback (native API).
///
/// The Mix API itself refuses to create these; the runtime does, naming the parent and its tool call.
public struct CreateSubagentSession: Sendable, Equatable {
    /// The id to use; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var sessionID: SessionID?
    /// The parent's namespace; required.
    public var namespace: String
    /// Required, e.g. `Callback: Bash`.
    public var title: String?
    /// The delegating session; required.
    public var parentSessionID: SessionID?
    /// The parent's tool call that started the sub-agent.
    public var parentToolCallID: ToolCallID?
    /// `general-purpose` (the only value the Mix SDK accepts) when `nil`.
    public var subagentType: String?
    /// The sub-agent's prompt.
    public var customSystemPrompt: String?
    /// Inherited from the parent by the caller; ``BrowserMode/localBrowserService`` by default.
    public var browserMode: BrowserMode

    /// Creates the command.
    public init(
        sessionID: SessionID? = nil,
        namespace: String,
        title: String?,
        parentSessionID: SessionID?,
        parentToolCallID: ToolCallID? = nil,
        subagentType: String? = nil,
        customSystemPrompt: String? = nil,
        browserMode: BrowserMode = .localBrowserService
    ) {
        self.sessionID = sessionID
        self.namespace = namespace
        self.title = title
        self.parentSessionID = parentSessionID
        self.parentToolCallID = parentToolCallID
        self.subagentType = subagentType
        self.customSystemPrompt = customSystemPrompt
        self.browserMode = browserMode
    }
}
