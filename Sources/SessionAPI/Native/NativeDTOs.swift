import EventLog
import Foundation
import Hummingbird
import Projections
import Sessions

/// A session as the native API returns it: every field of the one session model, with its version and
/// derived status.
struct NativeSession: Encodable {
    var id: String
    var namespace: String
    var origin: String
    var version: UInt64
    var status: String
    var title: String?
    var sessionType: String
    var parentSessionId: String?
    var browserMode: String
    var userId: String?
    var isProcessing: Bool
    var userMessageCount: Int
    var assistantMessageCount: Int
    var toolCallCount: Int
    var messageCount: Int
    var promptTokens: Int
    var completionTokens: Int
    var cost: Double
    var averageLatencyMs: Double
    var callbacks: [Callback]
    var userMemory: JSONObject?
    var createdAt: Date
    /// `createdAt` in Unix seconds with the log's microsecond precision (the RFC 3339 fields have whole
    /// seconds); ADK's `last_update_time` of a session without events.
    var createdAtUnix: Double
    var updatedAt: Date
    var lastActivityAt: Date
    var expiresAt: Date?
    var terminatedAt: Date?
    var archivedAt: Date?
    /// The session and position it was forked from (native fork API).
    var forkedFrom: ForkOrigin?
    var appName: String?
    var state: JSONObject
    var totalTokens: Int
    var totalToolCalls: Int

    /// - Parameter state: The session's state as ADK reads it (own keys plus shared `app:`/`user:` keys).
    init(_ session: SessionSnapshot, status: SessionStatus, state: JSONObject) {
        id = session.id.rawValue
        namespace = session.namespace
        origin = session.origin.rawValue
        version = session.version
        self.status = status.rawValue
        title = session.title
        sessionType = session.sessionType.rawValue
        parentSessionId = session.parentSessionID?.rawValue
        browserMode = session.browserMode.rawValue
        userId = session.userID
        isProcessing = session.isProcessing
        userMessageCount = session.counters.userMessageCount
        assistantMessageCount = session.counters.assistantMessageCount
        toolCallCount = session.counters.toolCallCount
        messageCount = session.counters.messageCount
        promptTokens = session.counters.promptTokens
        completionTokens = session.counters.completionTokens
        cost = session.counters.cost
        averageLatencyMs = session.counters.averageLatencyMs
        callbacks = session.callbacks
        userMemory = session.userMemory
        createdAt = session.createdAt
        createdAtUnix = session.createdAt.timeIntervalSince1970
        updatedAt = session.updatedAt
        lastActivityAt = session.lastActivityAt
        expiresAt = session.expiresAt
        terminatedAt = session.terminatedAt
        archivedAt = session.archivedAt
        forkedFrom = session.forkedFrom
        appName = session.appName
        self.state = state
        totalTokens = session.counters.totalTokens
        totalToolCalls = session.counters.totalToolCalls
    }
}

/// One log record as the native catch-up read and stream return it.
struct NativeEvent: Encodable {
    var position: UInt64
    var sessionId: String
    var version: UInt64
    var type: String
    var schemaVersion: UInt16
    var eventId: String
    var recordedAt: Date
    var metadata: [String: String]
    /// The body; `null` once the session was permanently deleted (then ``redacted`` is `true`).
    var data: JSONValue
    /// Present and `true` when the body is withheld because the session was deleted.
    var redacted: Bool?

    /// The record as served; a deleted session's events (all but the tombstone itself, which says who
    /// deleted what) keep their place, stream and type but not their body.
    init(_ record: LogRecord, sessionDeleted: Bool) {
        self.init(record)
        if sessionDeleted && record.type != EventType.sessionDeleted.rawValue {
            data = .null
            redacted = true
        }
    }

    init(_ record: LogRecord) {
        position = record.position.rawValue
        sessionId = record.stream
        version = record.streamVersion
        type = record.type
        schemaVersion = record.schemaVersion
        eventId = record.eventID.description
        recordedAt = record.recordedAt
        metadata = record.metadata
        data = (try? JSONDecoder().decode(JSONValue.self, from: Data(record.body))) ?? .null
    }
}

/// One entry of a session's audit history (`GET /v1/sessions/{id}/events`).
struct NativeAuditEvent: Encodable {
    var position: UInt64
    var version: UInt64
    var recordedAt: String
    var type: String
    var eventId: String
    var actor: String?
    var requestId: String?
    var summary: String

    init(_ event: AuditEvent) {
        position = event.position.rawValue
        version = event.version
        recordedAt = event.recordedAtText
        type = event.type
        eventId = event.eventID
        actor = event.actor
        requestId = event.requestID
        summary = event.summary
    }
}

/// The answer to an append: where the events landed and the session's new version,
/// `{sessionId, version, positions, events, deduplicated, removedItems?}`.
///
/// Written by hand: every append answers one, and `JSONEncoder` cost more than the rest of the answer.
struct NativeAppendResponse {
    var sessionId: String
    var version: UInt64
    var positions: [UInt64]
    var events: [String]
    var deduplicated: Bool
    /// The framework items a `pop` or `clear` took out of the live transcript, in order.
    var removedItems: [JSONValue]?

    /// 201 when events were appended; 200 for a no-op or a deduplicated retry.
    var status: HTTPResponse.Status { deduplicated || events.isEmpty ? .ok : .created }

    func json() -> [UInt8] {
        var w = JSONWriter(capacity: 96 + sessionId.utf8.count + 48 * events.count)
        w.beginObject()
        writeMembers(to: &w)
        w.endObject()
        return w.bytes
    }

    /// Writes the answer's members into the object `w` is writing (a batch's outcome adds its status first).
    func writeMembers(to w: inout JSONWriter) {
        w.field("sessionId", sessionId)
        w.field("version", Int(version))
        w.key("positions")
        w.beginArray()
        for position in positions { w.int(Int(position)) }
        w.endArray()
        w.key("events")
        w.beginArray()
        for event in events { w.string(event) }
        w.endArray()
        w.field("deduplicated", deduplicated)
        if let removedItems {
            w.key("removedItems")
            w.beginArray()
            for item in removedItems { w.raw { $0.append(contentsOf: item.encodedJSON() ?? Array("null".utf8)) } }
            w.endArray()
        }
    }
}

extension NativeAppendResponse {
    init(_ result: WriteResult) {
        let removed = result.removedItemsInOrder
        self.init(
            sessionId: result.sessionID.rawValue, version: result.state.version,
            positions: result.positions.map(\.rawValue), events: result.events.map(\.type),
            deduplicated: result.deduplicated, removedItems: removed.isEmpty ? nil : removed)
    }
}

/// A session's framework items at one version (`GET /v1/sessions/{id}/items`):
/// `{sessionId, version, items: [{messageId, role, item, addedAt, position, version, removed?}]}`.
///
/// Written by hand rather than encoded, so each stored item's JSON text goes out as it is, never parsed.
struct NativeItemPage {
    var sessionID: SessionID
    var version: UInt64
    var items: [SessionItem]

    func json() -> [UInt8] {
        var w = JSONWriter(capacity: 64 + items.reduce(0) { $0 + $1.itemJSON.utf8.count + 160 })
        w.beginObject()
        w.field("sessionId", sessionID.rawValue)
        w.field("version", Int(version))
        w.key("items")
        w.beginArray()
        for item in items {
            w.beginObject()
            w.field("messageId", item.messageID.rawValue)
            w.field("role", item.role.rawValue)
            w.key("item")
            w.raw(item.itemJSON)
            w.field("addedAt", APIJSON.rfc3339(item.addedAt))
            w.field("position", Int(item.position.rawValue))
            w.field("version", Int(item.version))
            if item.removed { w.field("removed", true) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

