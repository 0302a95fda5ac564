import Foundation

/// The fold of one session's events: everything any API face reports about the session, at one version.
///
/// Build it with ``SessionState/initial`` and ``apply(_:version:recordedAt:)`` per event, in log order.
/// It is a value: projections keep their own copies, and ``Session/decide(_:state:context:)`` reads it.
public struct SessionState: Sendable, Equatable {
    /// The state of a session that does not exist (no event yet).
    public static let initial = SessionState()
    /// The same, folding without the messages' contents (see ``keepsContent``).
    public static let initialWithoutContent = SessionState(keepingContent: false)

    /// Whether the fold keeps the messages' contents: ``transcript`` with texts, items, tool calls and their results.
    /// Without them (a writer's cache of states to decide on, decision 0156) the transcript stays empty and only
    /// ``messageFacts`` and the indexes are kept, which is all ``Session/decide(_:state:context:)`` reads; every
    /// other property is the same either way.
    public internal(set) var keepsContent = true

    /// The session's id; `nil` before ``SessionCreated``.
    public internal(set) var id: SessionID?
    /// The namespace.
    public internal(set) var namespace = ""
    /// Which API face created the session.
    public internal(set) var origin: SessionOrigin?
    /// Mix `title` / Mixpeek `session_name`.
    public internal(set) var title: String?
    /// Mix `customSystemPrompt` / Mixpeek `agent_config.system_prompt`.
    public internal(set) var customSystemPrompt: String?
    /// Mix `promptMode`.
    public internal(set) var promptMode = PromptMode.default
    /// Mix `browserMode`.
    public internal(set) var browserMode = BrowserMode.localBrowserService
    /// Mix `cdpUrl`.
    public internal(set) var cdpURL: String?
    /// Mix `sessionType`.
    public internal(set) var sessionType = SessionType.main
    /// Mix `subagentType`.
    public internal(set) var subagentType: String?
    /// Mix `parentSessionId`.
    public internal(set) var parentSessionID: SessionID?
    /// Mix `parentToolCallId`.
    public internal(set) var parentToolCallID: ToolCallID?
    /// The session and position this session was forked from, if it was.
    public internal(set) var forkedFrom: ForkOrigin?
    /// Mix `callbacks`.
    public internal(set) var callbacks: [Callback] = []
    /// Mixpeek `user_id`.
    public internal(set) var userID: String?
    /// Mixpeek `agent_config` (without the system prompt, see ``customSystemPrompt``).
    public internal(set) var agentConfig: AgentConfig?
    /// Mixpeek quotas.
    public internal(set) var quotas: SessionQuotas?
    /// Mixpeek `user_memory`.
    public internal(set) var userMemory: JSONObject?
    /// Mixpeek create metadata.
    public internal(set) var metadata: JSONObject?
    /// Mixpeek `enable_memory`.
    public internal(set) var enableMemory: Bool?
    /// Mixpeek `expires_at`; `nil` never expires.
    public internal(set) var expiresAt: Date?
    /// The agent framework's app (ADK `app_name`).
    public internal(set) var appName: String?
    /// The session's own state keys (no `app:`/`user:` prefix), as ``StateUpdated`` deltas set them; the
    /// shared `app:` and `user:` keys live in the projections, across sessions.
    public internal(set) var state: JSONObject = [:]

    /// Every message ever appended, in log order; removed ones stay, flagged. Empty when the fold does not
    /// ``keepsContent``.
    public internal(set) var transcript: [TranscriptMessage] = []
    /// What decide needs of every message ever appended, in log order (the same order and indexes as
    /// ``transcript`` when it is kept).
    public internal(set) var messageFacts: [MessageFacts] = []
    /// The files attached now, in the order added.
    public internal(set) var files: [SessionFile] = []
    /// The Mix and Mixpeek counters.
    public internal(set) var counters = SessionCounters()
    /// The earliest live user message, for ``firstUserMessage``.
    public internal(set) var firstUserMessageID: MessageID?

    /// Whether an agent run is in progress (Mix "processing").
    public internal(set) var isProcessing = false
    /// When the session was archived explicitly.
    public internal(set) var archivedAt: Date?
    /// When the session was terminated.
    public internal(set) var terminatedAt: Date?
    /// When the session was deleted (the tombstone's time).
    public internal(set) var deletedAt: Date?

    /// When the session was created.
    public internal(set) var createdAt: Date?
    /// When any event last changed the session.
    public internal(set) var updatedAt: Date?
    /// When the conversation last moved: messages, results, runs starting or ending.
    public internal(set) var lastActivityAt: Date?
    /// The session's version: the stream version of the last applied event, 0 before any.
    public internal(set) var version: UInt64 = 0

    /// Index of ``messageFacts`` (and ``transcript``) by message id (removed messages included).
    var messageIndex: [MessageID: Int] = [:]
    /// Where each tool call sits in ``transcript``.
    var toolCallIndex: [ToolCallID: ToolCallLocation] = [:]
    /// The tool calls whose latest recorded result is finished.
    var finishedToolCalls: Set<ToolCallID> = []

    /// Creates the state of a session that does not exist; same as ``initial``.
    public init() {}

    /// Creates the state of a session that does not exist, folding with or without the messages' contents.
    public init(keepingContent: Bool) { keepsContent = keepingContent }

    /// Whether the session exists: created and not deleted.
    public var exists: Bool { id != nil && deletedAt == nil }
    /// Whether the session was deleted; only the tombstone's facts remain.
    public var isDeleted: Bool { deletedAt != nil }
    /// Whether the session was terminated.
    public var isTerminated: Bool { terminatedAt != nil }

    /// Mix `firstUserMessage`: the text of the earliest live user message (decision (e)); `nil` without content.
    public var firstUserMessage: String? { firstUserMessageID.flatMap { message($0) }?.appended.text }

    /// The messages a rewind has not removed, in order.
    public var liveMessages: [TranscriptMessage] { transcript.filter { !$0.isRemoved } }

    /// The message with this id, removed or not; `nil` without content.
    public func message(_ id: MessageID) -> TranscriptMessage? {
        guard keepsContent else { return nil }
        return messageIndex[id].map { transcript[$0] }
    }

    /// The facts of the message with this id, removed or not.
    public func messageFacts(_ id: MessageID) -> MessageFacts? { messageIndex[id].map { messageFacts[$0] } }

    /// The tool call with this id, joined to its result; `nil` without content.
    public func toolCall(_ id: ToolCallID) -> ToolCallRecord? {
        guard keepsContent else { return nil }
        return toolCallIndex[id].map { transcript[$0.message].toolCalls[$0.call] }
    }

    /// Whether an assistant message made a tool call with this id.
    public func hasToolCall(_ id: ToolCallID) -> Bool { toolCallIndex[id] != nil }

    /// Whether the latest result recorded for this tool call is finished.
    public func isToolCallFinished(_ id: ToolCallID) -> Bool { finishedToolCalls.contains(id) }

    /// The attached file with this id.
    public func file(_ id: FileID) -> SessionFile? { files.first { $0.id == id } }

    /// Where a tool call sits: the index of its message in the transcript and of the call in the message.
    struct ToolCallLocation: Sendable, Equatable {
        var message: Int
        var call: Int
    }
}
