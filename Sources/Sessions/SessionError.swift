/// Everything that can go wrong in the Sessions module: a rejected command or an event that cannot be
/// encoded or decoded.
///
/// A command error is thrown by ``Session/decide(_:state:context:)`` before anything is appended, so it
/// changes nothing. Cases carry the offending field and the exact message the wire contract requires
/// (mix-api.md, mixpeek-api.md); SessionAPI maps each case to a status once, and ``code`` is stable.
public enum SessionError: Error, Sendable, Equatable {
    /// Bad input: `field` names the offending field (`title`, `callbacks`, `agent_config.temperature` …)
    /// and `message` is the text the wire contract prescribes, e.g. `title is required`.
    case validation(field: String, message: String)
    /// The session does not exist, or was deleted.
    case sessionNotFound(SessionID)
    /// No live message of the session has this id (a message a rewind removed counts as unknown).
    case messageNotFound(MessageID)
    /// No message of the session made a tool call with this id.
    case toolCallNotFound(ToolCallID)
    /// The session has no file with this id.
    case fileNotFound(FileID)
    /// The command collides with what the session already holds (an id in use, a result already recorded).
    case conflict(field: String, message: String)
    /// The session's status forbids the command: archived sessions are read-only, terminated ones closed.
    case invalidState(status: SessionStatus, message: String)
    /// A Mixpeek quota of the session is used up; `quota` is its wire name, e.g. `max_messages`.
    case quotaExceeded(quota: String, message: String)
    /// The log holds an event type this code does not know.
    case unknownEventType(String)
    /// The log holds a schema version of a known type that is newer than this code (or zero).
    case unsupportedSchemaVersion(type: String, schemaVersion: UInt16, newest: UInt16)
    /// An event body could not be decoded (or upcast) as its type and version.
    case undecodableEvent(type: String, schemaVersion: UInt16, reason: String)
    /// An event could not be encoded (a value JSON cannot hold, such as a non-finite number).
    case unencodableEvent(type: String, reason: String)

    /// A stable machine-readable code, e.g. `validation_error` or `session_not_found`.
    public var code: String {
        switch self {
        case .validation: "validation_error"
        case .sessionNotFound: "session_not_found"
        case .messageNotFound: "message_not_found"
        case .toolCallNotFound: "tool_call_not_found"
        case .fileNotFound: "file_not_found"
        case .conflict: "conflict"
        case .invalidState: "invalid_state_transition"
        case .quotaExceeded: "quota_exceeded"
        case .unknownEventType: "unknown_event_type"
        case .unsupportedSchemaVersion: "unsupported_schema_version"
        case .undecodableEvent: "undecodable_event"
        case .unencodableEvent: "unencodable_event"
        }
    }

    /// The field the error is about, when there is one.
    public var field: String? {
        switch self {
        case .validation(let field, _), .conflict(let field, _): field
        case .quotaExceeded(let quota, _): "quotas.\(quota)"
        case .messageNotFound: "messageId"
        case .toolCallNotFound: "toolCallId"
        case .fileNotFound: "fileId"
        default: nil
        }
    }

    /// The human-readable message; for not-found errors it is the Mix text
    /// (`Session with ID '<id>' not found`, `Message with ID '<id>' not found`).
    public var message: String {
        switch self {
        case .validation(_, let message), .conflict(_, let message), .invalidState(_, let message),
            .quotaExceeded(_, let message):
            message
        case .sessionNotFound(let id): "Session with ID '\(id)' not found"
        case .messageNotFound(let id): "Message with ID '\(id)' not found"
        case .toolCallNotFound(let id): "Tool call with ID '\(id)' not found"
        case .fileNotFound(let id): "File with ID '\(id)' not found"
        case .unknownEventType(let type): "unknown event type '\(type)'"
        case .unsupportedSchemaVersion(let type, let version, let newest):
            "event type '\(type)' has schema version \(version); this build reads versions 1 to \(newest)"
        case .undecodableEvent(let type, let version, let reason):
            "cannot decode event '\(type)' v\(version): \(reason)"
        case .unencodableEvent(let type, let reason): "cannot encode event '\(type)': \(reason)"
        }
    }
}
