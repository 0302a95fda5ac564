import EventLog
import Foundation
import Sessions

/// Derives the Mix SSE events (the 16 names `mix-python-sdk` accepts) from stored log records.
///
/// Stateless about the session except for tool names: a `tool_result.recorded` event names only its tool
/// call, so the mapper remembers the calls it saw and asks `lookUpToolName` for calls made before the stream
/// started.
struct MixStreamEventMapper {
    let sessionID: SessionID
    /// The subscriber's namespace (its API key's); `nil` on an open daemon, where every session is anyone's.
    let namespace: String?
    let lookUpToolName: @Sendable (ToolCallID) async -> String?
    /// The stream version of a session's latest tombstone, as the projections know it (0: never deleted; `.max`
    /// when they cannot tell); asked only of records replayed from the log, at or before ``liveAfter``: one made
    /// live cannot have been deleted before it.
    let latestTombstone: @Sendable (SessionID) async -> UInt64
    /// The log's end when the stream started: records past it are live.
    let liveAfter: UInt64
    private var toolNames: [ToolCallID: String] = [:]
    /// ``latestTombstone`` of ``sessionID``, asked once: its own replayed records are many.
    private var ownTombstone: UInt64?

    init(
        sessionID: SessionID, namespace: String?, liveAfter: UInt64,
        lookUpToolName: @escaping @Sendable (ToolCallID) async -> String?,
        latestTombstone: @escaping @Sendable (SessionID) async -> UInt64
    ) {
        self.sessionID = sessionID
        self.namespace = namespace
        self.liveAfter = liveAfter
        self.lookUpToolName = lookUpToolName
        self.latestTombstone = latestTombstone
    }

    /// The SSE events a record produces for a subscriber of ``sessionID``: the session's own events, plus
    /// `session_created` / `session_deleted` of every session of the subscriber's namespace (the real server
    /// broadcasts those to all). A record replayed from a session deleted since — a creation, or one of the
    /// subscribed id's own records from before its id was created again (decision 0177) — is not sent: the deleted
    /// session's content is gone from every read. A creation after the latest tombstone is the new session's, sent.
    mutating func events(for record: LogRecord) async -> [SSEEvent] {
        let own = record.stream == sessionID.rawValue
        guard own || record.type == EventType.sessionCreated.rawValue || record.type == EventType.sessionDeleted.rawValue,
            let event = try? SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
        else { return [] }
        // Replayed from the log: it may be a deleted session's (not a tombstone: a deletion is news to send).
        let replayed = record.position.rawValue <= liveAfter && record.type != EventType.sessionDeleted.rawValue
        if replayed, own, await isDeleted(record, own: true) { return [] }
        let id = record.position.rawValue
        func sse(_ name: String, _ data: some Encodable, retry: Int = 30_000) -> SSEEvent {
            SSEEvent(id: id, event: name, data: APIJSON.line(data), retry: retry)
        }
        switch event {
        case .created(let created):
            guard created.sessionType != .subagent, namespace.map({ $0 == created.namespace }) ?? true else { return [] }
            if replayed, !own, await isDeleted(record, own: false) { return [] }
            return [
                sse(
                    "session_created",
                    SessionCreatedData(
                        sessionId: created.sessionID.rawValue, title: created.title ?? "",
                        createdAt: Int(record.recordedAt.timeIntervalSince1970)))
            ]
        case .deleted(let deleted):
            guard namespace.map({ $0 == deleted.namespace }) ?? true else { return [] }
            return [sse("session_deleted", SessionDeletedData(sessionId: record.stream))]
        case .messageAppended(let message) where own:
            switch message.role {
            case .user:
                return [
                    sse(
                        "user_message_created",
                        UserMessageCreatedData(messageId: message.messageID.rawValue, content: message.text ?? ""))
                ]
            case .assistant:
                var events: [SSEEvent] = []
                for call in message.toolCalls {
                    toolNames[call.id] = call.name
                    events.append(
                        sse(
                            "tool_execution_start",
                            ToolExecutionData(
                                type: "tool_execution_start", toolName: call.name, progress: "",
                                toolCallId: call.id.rawValue, success: nil)))
                }
                if let reason = message.finishReason, reason.endsRun, reason != .canceled, reason != .error {
                    events.append(
                        sse(
                            "complete",
                            CompleteData(
                                content: message.text, messageId: message.messageID.rawValue,
                                reasoning: message.reasoning, reasoningDuration: message.reasoningDurationMs)))
                }
                return events
            case .tool:
                return []
            }
        case .toolResultRecorded(let result) where own:
            var name = toolNames[result.toolCallID]
            if name == nil { name = await lookUpToolName(result.toolCallID) }
            return [
                sse(
                    "tool_execution_complete",
                    ToolExecutionData(
                        type: "tool_execution_complete", toolName: name ?? "", progress: "",
                        toolCallId: result.toolCallID.rawValue, success: !result.isError))
            ]
        case .processingCancelled where own:
            return [sse("error", ErrorData(error: "request cancelled by user", type: "cancelled"), retry: 750)]
        case .processingFinished(let finished) where own:
            guard let error = finished.error else { return [] }
            return [sse("error", ErrorData(error: error, type: nil), retry: 750)]
        default:
            return []
        }
    }
}

extension MixStreamEventMapper {
    /// Whether a replayed record belongs to a session deleted since: its stream version is at or before the
    /// stream's latest tombstone.
    private mutating func isDeleted(_ record: LogRecord, own: Bool) async -> Bool {
        guard let id = SessionID(rawValue: record.stream) else { return true }
        let tombstone: UInt64
        if own {
            if ownTombstone == nil { ownTombstone = await latestTombstone(id) }
            tombstone = ownTombstone ?? .max
        } else {
            tombstone = await latestTombstone(id)
        }
        return record.streamVersion <= tombstone
    }

    struct SessionCreatedData: Encodable {
        var type = "session_created"
        var sessionId: String
        var title: String
        var createdAt: Int
    }

    struct SessionDeletedData: Encodable {
        var type = "session_deleted"
        var sessionId: String
    }

    struct UserMessageCreatedData: Encodable {
        var type = "user_message_created"
        var messageId: String
        var content: String
    }

    struct ToolExecutionData: Encodable {
        var type: String
        var toolName: String
        var progress: String
        var toolCallId: String
        var success: Bool?
    }

    struct CompleteData: Encodable {
        var type = "complete"
        var content: String?
        var messageId: String
        var done = true
        var reasoning: String?
        var reasoningDuration: Int?
    }

    struct ErrorData: Encodable {
        var error: String
        var type: String?
    }

    struct ConnectedData: Encodable {
        var sessionId: String
    }

    struct HeartbeatData: Encodable {
        var type = "ping"
    }
}
