import Foundation

extension Session {
    /// Mix create (mix-api.md §2.2), in the contract's order: title, promptMode, prompt size, sessionType,
    /// subagentType, browserMode and cdpUrl (variant A, decision (k)), callbacks.
    static func decideCreate(
        _ command: CreateSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireNamespace(command.namespace)
        guard let title = command.title, !title.isEmpty else {
            throw .validation(field: "title", message: "title is required")
        }
        let promptMode = try validatedPromptMode(command.promptMode)
        let prompt = nonEmpty(command.customSystemPrompt)
        if let prompt { try checkPromptSize(prompt, mode: promptMode) }
        if let sessionType = command.sessionType, !sessionType.isEmpty, sessionType != SessionType.main.rawValue {
            throw .validation(
                field: "sessionType",
                message: "API can only create main sessions. Subagent sessions are created automatically."
            )
        }
        if let subagentType = command.subagentType, !subagentType.isEmpty {
            throw .validation(
                field: "subagentType",
                message: "subagentType cannot be set for API-created sessions. "
                    + "Subagent sessions are created programmatically by the task delegation system."
            )
        }
        let (browserMode, cdpURL) = try validatedBrowser(mode: command.browserMode, cdpURL: command.cdpURL)
        let callbacks = try CallbackInput.validated(command.callbacks)
        let id: SessionID = try newID(command.sessionID, field: "sessionId", context: context)
        try requireNew(id, namespace: command.namespace, state: state)
        return [
            .created(
                SessionCreated(
                    sessionID: id,
                    namespace: command.namespace,
                    origin: .mix,
                    title: title,
                    customSystemPrompt: prompt,
                    promptMode: promptMode,
                    browserMode: browserMode,
                    cdpURL: cdpURL,
                    sessionType: .main,
                    callbacks: callbacks
                )
            )
        ]
    }

    /// Mixpeek create (mixpeek-api.md §4.1): `agent_config` required and in range, quotas ≥ 1; the lifetime
    /// is 7 days (``DecisionContext/agentSessionLifetime``) capped by `max_session_duration_minutes`.
    static func decideCreateAgentSession(
        _ command: CreateAgentSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireNamespace(command.namespace)
        guard let input = command.agentConfig else {
            throw .validation(field: "agent_config", message: "Field required")
        }
        let config = try input.validated()
        try command.quotas?.validate()
        let expiresAt = agentSessionExpiry(quotas: command.quotas, context: context)
        let id: SessionID = try newID(command.sessionID, field: "session_id", context: context)
        try requireNew(id, namespace: command.namespace, state: state)
        return [
            .created(
                SessionCreated(
                    sessionID: id,
                    namespace: command.namespace,
                    origin: .mixpeek,
                    customSystemPrompt: input.systemPrompt ?? AgentConfig.defaultSystemPrompt,
                    userID: command.userID,
                    agentConfig: config,
                    quotas: command.quotas,
                    userMemory: command.userMemory,
                    metadata: command.metadata,
                    enableMemory: command.enableMemory,
                    expiresAt: expiresAt
                )
            )
        ]
    }

    /// A sub-agent session created by the runtime: title and parent required, type `general-purpose`.
    static func decideCreateSubagentSession(
        _ command: CreateSubagentSession,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireNamespace(command.namespace)
        guard let title = command.title, !title.isEmpty else {
            throw .validation(field: "title", message: "title is required")
        }
        guard let parent = command.parentSessionID else {
            throw .validation(field: "parentSessionId", message: "parentSessionId is required")
        }
        let subagentType = command.subagentType ?? "general-purpose"
        guard subagentType == "general-purpose" else {
            throw .validation(field: "subagentType", message: "subagentType must be 'general-purpose'")
        }
        let id: SessionID = try newID(command.sessionID, field: "sessionId", context: context)
        guard id != parent else {
            throw .validation(field: "parentSessionId", message: "a session cannot be its own parent")
        }
        try requireNew(id, namespace: command.namespace, state: state)
        return [
            .created(
                SessionCreated(
                    sessionID: id,
                    namespace: command.namespace,
                    origin: .native,
                    title: title,
                    customSystemPrompt: nonEmpty(command.customSystemPrompt),
                    browserMode: command.browserMode,
                    sessionType: .subagent,
                    subagentType: subagentType,
                    parentSessionID: parent,
                    parentToolCallID: command.parentToolCallID
                )
            )
        ]
    }

    static func requireNamespace(_ namespace: String) throws(SessionError) {
        guard !namespace.isEmpty else { throw .validation(field: "namespace", message: "namespace is required") }
    }

    /// The id must name no live session: never used, or a deleted session's, which is then created again as a new
    /// incarnation of the same stream (decision 0177) — unless that tombstone is another namespace's, so that one
    /// namespace never takes over an id another one used.
    static func requireNew(_ id: SessionID, namespace: String, state: SessionState) throws(SessionError) {
        guard state.id == nil || (state.isDeleted && state.namespace == namespace) else {
            throw .conflict(field: "sessionId", message: "Session with ID '\(id)' already exists")
        }
    }

    private static func validatedPromptMode(_ raw: String?) throws(SessionError) -> PromptMode {
        guard let raw, !raw.isEmpty else { return .default }
        guard let mode = PromptMode(rawValue: raw) else {
            throw .validation(field: "promptMode", message: "promptMode must be 'default', 'append', or 'replace'")
        }
        return mode
    }

    /// Size in bytes of UTF-8; the message shows whole kilobytes, truncated (51,201 B → "(50KB)").
    private static func checkPromptSize(_ prompt: String, mode: PromptMode) throws(SessionError) {
        let size = prompt.utf8.count
        switch mode {
        case .replace where size > 102_400:
            throw .validation(
                field: "customSystemPrompt",
                message: "Custom prompt size (\(size / 1024)KB) exceeds replace mode limit of 100KB"
            )
        case .append where size > 51_200:
            throw .validation(
                field: "customSystemPrompt",
                message: "Custom prompt size (\(size / 1024)KB) exceeds append mode limit of 50KB"
            )
        default:
            return
        }
    }

    /// browserMode and cdpUrl, variant A of mix-api.md §2.2 step 7. The prefix check applies to the
    /// remote mode; any cdpUrl with another mode is "can only be set".
    private static func validatedBrowser(
        mode raw: String?,
        cdpURL rawURL: String?
    ) throws(SessionError) -> (BrowserMode, String?) {
        guard let raw, !raw.isEmpty else {
            throw .validation(
                field: "browserMode",
                message: "browserMode is required (must be 'electron-embedded-browser', 'local-browser-service', "
                    + "or 'remote-cdp-websocket')"
            )
        }
        guard let mode = BrowserMode(rawValue: raw) else {
            throw .validation(
                field: "browserMode",
                message: "browserMode must be one of: "
                    + "[electron-embedded-browser local-browser-service remote-cdp-websocket]"
            )
        }
        let url = nonEmpty(rawURL)
        if mode == .remoteCDPWebSocket {
            guard let url else {
                throw .validation(
                    field: "cdpUrl",
                    message: "cdpUrl is required when browserMode is 'remote-cdp-websocket'"
                )
            }
            guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
                throw .validation(field: "cdpUrl", message: "cdpUrl must start with 'ws://' or 'wss://'")
            }
        } else if url != nil {
            throw .validation(
                field: "cdpUrl",
                message: "cdpUrl can only be set when browserMode is 'remote-cdp-websocket'"
            )
        }
        return (mode, url)
    }

    /// `nil` for `nil` or "" (Go's zero value is "not set").
    /// When an agent session made now expires: after the configured lifetime, or the quota's shorter duration.
    static func agentSessionExpiry(quotas: SessionQuotas?, context: DecisionContext) -> Date {
        var lifetime = context.agentSessionLifetime
        if let minutes = quotas?.maxSessionDurationMinutes {
            lifetime = min(lifetime, TimeInterval(minutes) * 60)
        }
        return Date(timeIntervalSince1970: (context.now.timeIntervalSince1970 + lifetime).rounded(.down))
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
