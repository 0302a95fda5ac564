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
    /// Whether a session has been permanently deleted since (the projections know); asked only of creations
    /// replayed from the log, at or before ``liveAfter``: one made live cannot have been deleted before it.
    let isDeleted: @Sendable (SessionID) async -> Bool
    /// The log's end when the stream started: records past it are live.
    let liveAfter: UInt64
    private var toolNames: [ToolCallID: String] = [:]

    init(
        sessionID: SessionID, namespace: String?, liveAfter: UInt64,
        lookUpToolName: @escaping @Sendable (ToolCallID) async -> String?,
        isDeleted: @escaping @Sendable (SessionID) async -> Bool
    ) {
        self.sessionID = sessionID
        self.namespace = namespace
        self.liveAfter = liveAfter
        self.lookUpToolName = lookUpToolName
        self.isDeleted = isDeleted
    }

    /// The SSE events a record produces for a subscriber of ``sessionID``: the session's own events, plus
    /// `session_created` / `session_deleted` of every session of the subscriber's namespace (the real server
    /// broadcasts those to all). A creation replayed from before a permanent deletion is not sent: the deleted
    /// session's title is gone from every read.
    mutating func events(for record: LogRecord) async -> [SSEEvent] {
        let own = record.stream == sessionID.rawValue
        guard own || record.type == EventType.sessionCreated.rawValue || record.type == EventType.sessionDeleted.rawValue,
            let event = try? SessionEvent.decode(type: record.type, schemaVersion: record.schemaVersion, body: record.body)
        else { return [] }
        let id = record.position.rawValue
        func sse(_ name: String, _ data: some Encodable, retry: Int = 30_000) -> SSEEvent {
            SSEEvent(id: id, event: name, data: APIJSON.line(data), retry: retry)
        }
        switch event {
        case .created(let created):
            guard created.sessionType != .subagent, namespace.map({ $0 == created.namespace }) ?? true else { return [] }
            if record.position.rawValue <= liveAfter, await isDeleted(created.sessionID) { return [] }
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
