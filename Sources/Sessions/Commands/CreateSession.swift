import Foundation

/// Create a session through the Mix API (`POST /api/sessions`), with every Mix validation rule.
///
/// Fields are raw strings where the contract prescribes a message for a bad value.
public struct CreateSession: Sendable, Equatable {
    /// The id to use; a new one comes from ``DecisionContext/makeID`` when `nil`.
    public var sessionID: SessionID?
    /// The namespace of the caller's key (`default` without keys); required.
    public var namespace: String
    /// Required; whitespace-only is accepted; stored whole.
    public var title: String?
    /// Required: one of the three ``BrowserMode`` literals.
    public var browserMode: String?
    /// Required with `remote-cdp-websocket` and only then; `ws://` or `wss://`.
    public var cdpURL: String?
    /// At most 50 KB in append mode and 100 KB in replace mode (bytes of UTF-8).
    public var customSystemPrompt: String?
    /// `default` (also when empty), `append` or `replace`.
    public var promptMode: String?
    /// Empty or `main`.
    public var sessionType: String?
    /// Must be empty.
    public var subagentType: String?
    /// Validated like ``ReplaceCallbacks``.
    public var callbacks: [CallbackInput]

    /// Creates the command.
    public init(
        sessionID: SessionID? = nil,
        namespace: String,
        title: String?,
        browserMode: String?,
        cdpURL: String? = nil,
        customSystemPrompt: String? = nil,
        promptMode: String? = nil,
        sessionType: String? = nil,
        subagentType: String? = nil,
        callbacks: [CallbackInput] = []
    ) {
        self.sessionID = sessionID
        self.namespace = namespace
        self.title = title
        self.browserMode = browserMode
        self.cdpURL = cdpURL
        self.customSystemPrompt = customSystemPrompt
        self.promptMode = promptMode
        self.sessionType = sessionType
        self.subagentType = subagentType
        self.callbacks = callbacks
    }
}
