import EventLog
import Sessions

/// The column values of a record that follow from the record alone — the audit summary, compressed bodies,
/// JSON texts and the export's pre-rendered JSON — computed where the record is decoded, off the database writer, so the
/// write thread only binds them and steps its statements (decision 0104).
struct PreparedColumns: Sendable {
    /// `eventIndex.summary`.
    var summary: String
    var actor: String?
    var requestID: String?
    /// The values of the event's own rows, for the kinds frequent enough to matter.
    var body: Body

    enum Body: Sendable {
        case none
        case message(MessageColumns)
        case toolResult(ToolResultColumns)
    }

    /// The columns of `event`, recorded at `recordedAt` with `metadata`; `currentBody` is the record's body when it
    /// was written at the event's current schema version (a tool result's literal is then taken from it).
    init(metadata: [String: String], event: SessionEvent, recordedAt: Int64, currentBody: [UInt8]?) {
        summary = event.auditSummary
        actor = metadata[RecordMetadata.actorKey]
        requestID = metadata[RecordMetadata.requestID]
        switch event {
        case .messageAppended(let message): body = .message(MessageColumns(message, appendedAt: recordedAt))
        case .toolResultRecorded(let result): body = .toolResult(ToolResultColumns(result, body: currentBody))
        default: body = .none
        }
    }

    /// The message's columns, when the event is a message.
    var message: MessageColumns? {
        if case .message(let columns) = body { columns } else { nil }
    }

    /// The tool result's columns, when the event is a tool result.
    var toolResult: ToolResultColumns? {
        if case .toolResult(let columns) = body { columns } else { nil }
    }
}

/// The computed columns of a `transcriptMessage` row and its `toolCall` rows.
struct MessageColumns: Sendable {
    var metadata: String?
    var item: StoredText.Stored?
    /// The item's text as ``item`` stores it, for the response cache (``CommittedBatch``).
    var itemText: String?
    /// The export's JSON of the message before and after its tool calls (``ExportMessageJSON``).
    var head: String
    var tail: String
    /// Each tool call's export JSON, in call order.
    var callHeads: [String]

    init(_ message: MessageAppended, appendedAt: Int64) {
        metadata = ProjectionJSON.text(message.metadata)
        itemText = ProjectionJSON.text(message.item)
        item = StoredText.encode(itemText)
        head = ExportMessageJSON.head(message)
        tail = ExportMessageJSON.tail(message, appendedAt: appendedAt)
        callHeads = message.toolCalls.map(ExportMessageJSON.callHead)
    }
}

/// The computed columns of a `toolResult` row.
struct ToolResultColumns: Sendable {
    /// The result as the export's JSON literal, stored (``StoredText``).
    var result: StoredText.Stored
    var screenshotURLs: String

    /// The columns of `result`, whose literal is copied from `body` (the event's body at its current schema
    /// version) when given: bodies escape strings as the export does (`EventBodyWriter`, `JSONWriter`), so the
    /// literal is the same bytes, found without escaping the result again (a rebuild has one per four events).
    init(_ result: ToolResultRecorded, body: [UInt8]? = nil) {
        let literal = body.flatMap { body in
            body.withUnsafeBytes { JSONText.stringLiteral(ofMember: "result", in: $0) }.map { body[$0] }
        }
        if let literal {
            assert(Array(literal) == ExportMessageJSON.literal(result.result), "a body's literal is not the export's")
        }
        self.result = StoredText.encode(utf8: literal ?? ExportMessageJSON.literal(result.result)[...])
        screenshotURLs = ProjectionJSON.stringArray(result.screenshotURLs)
    }
}
