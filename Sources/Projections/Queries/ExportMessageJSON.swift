import Sessions

/// One message of the JSON export (mix-api.md §2.6) in parts: what never changes once the message is appended
/// (its head and tail members, each tool call's head, a result's text as a JSON literal; the framework item,
/// stored on its own for the item pages) and what later events add (a call's result, the results and callback
/// results a tool message carries).
///
/// The parts are the only copy of a message's text, reasoning, model and finish reason and of a call's name and
/// input: readers of those fields parse them back (``fields(head:tail:hasText:)``, ``call(head:type:)``, with the
/// event codec's reader, `JSONText`).
///
/// The projector stores the fixed parts as it applies each event (decision 0108); an export from the
/// projections copies them, and an export of a fold renders them on the spot: both go through one `write`, so
/// the two cannot drift apart.
enum ExportMessageJSON {
    /// A tool call of the message: its stored head and, once recorded, its latest result.
    struct Call {
        var head: String
        var result: Result?
    }

    /// A recorded tool result as the export writes it.
    struct Result {
        /// The result text as a JSON string literal (``literal(_:)``), as ``StoredText`` stores it.
        var literal: [UInt8]
        var metadata: String?
        var isError: Bool
        /// The screenshot URLs as a JSON array of strings.
        var screenshotURLs: String
        var finished: Bool
    }

    /// The JSON string literal of `text` (quotes included), as the export writes it: how a result's text is
    /// stored, so that an export copies it instead of escaping it again.
    static func literal(_ text: String) -> [UInt8] {
        var w = JSONWriter(capacity: text.utf8.count + 16)
        w.string(text)
        return w.bytes
    }

    /// `"id":…,"role":…,"content":…`: the members before the tool calls.
    static func head(_ message: MessageAppended) -> String {
        var w = JSONWriter(capacity: 96 + (message.text?.utf8.count ?? 0))
        w.field("id", message.messageID.rawValue)
        w.field("role", message.role.rawValue)
        w.field("content", message.text ?? "")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `"reasoning":…` to `"updatedAt":…`: the members after the results (the item follows them). A message is
    /// never edited, so its `updatedAt` is the time it was appended (`appendedAt`, microseconds).
    static func tail(_ message: MessageAppended, appendedAt: Int64) -> String {
        let time = Timestamp.rfc3339(appendedAt)
        var w = JSONWriter(capacity: 128 + (message.reasoning?.utf8.count ?? 0))
        w.field("reasoning", message.reasoning)
        w.field("reasoningDuration", message.reasoningDurationMs)
        w.field("model", message.model)
        w.field("finishReason", message.finishReason?.rawValue)
        w.field("createdAt", time)
        w.field("updatedAt", time)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `"id":…,"name":…,"input":…,"type":…`: a tool call's members before its result.
    static func callHead(_ call: ToolCall) -> String {
        var w = JSONWriter(capacity: 64 + call.input.utf8.count)
        w.field("id", call.id.rawValue)
        w.field("name", call.name)
        w.field("input", call.input)
        w.field("type", call.type ?? "tool_use")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// One message from its parts.
    static func write(
        head: UnsafeRawBufferPointer,
        calls: [Call],
        carried: [String],
        callbackResults: [CallbackResultRecorded],
        tail: UnsafeRawBufferPointer,
        item: String?,
        to w: inout JSONWriter
    ) {
        w.beginObject()
        w.members(head)
        if !calls.isEmpty {
            w.key("toolCalls")
            w.beginArray()
            for call in calls {
                w.beginObject()
                w.members(call.head)
                w.field("finished", call.result?.finished ?? false)
                if let result = call.result {
                    w.key("result")
                    // A result that does not decompress (a damaged file) is written as an empty string, as the
                    // folded export did, so the document stays valid JSON.
                    w.raw { if !StoredText.append(result.literal, to: &$0) { $0.append(contentsOf: #""""#.utf8) } }
                    w.field("metadata", result.metadata)
                    w.field("isError", result.isError)
                    if result.screenshotURLs != "[]" {
                        w.key("screenshotUrls")
                        w.raw(result.screenshotURLs)
                    }
                }
                w.endObject()
            }
            w.endArray()
        }
        if !carried.isEmpty {
            w.key("toolResults")
            w.beginArray()
            for id in carried {
                w.beginObject()
                w.field("toolCallId", id)
                w.endObject()
            }
            w.endArray()
        }
        if !callbackResults.isEmpty {
            w.key("callbackResults")
            w.beginArray()
            for result in callbackResults { write(result, to: &w) }
            w.endArray()
        }
        w.members(tail)
        if let item {
            w.key("item")
            w.raw(item)
        }
        w.endObject()
    }

    /// One message of a fold, its parts rendered on the spot.
    static func write(_ message: TranscriptMessage, to w: inout JSONWriter) {
        var head = head(message.appended)
        var tail = tail(message.appended, appendedAt: Timestamp.micros(message.appendedAt))
        head.withUTF8 { head in
            tail.withUTF8 { tail in
                write(
                    head: UnsafeRawBufferPointer(head),
                    calls: message.toolCalls.map { record in
                        Call(head: callHead(record.call), result: record.result.map(Result.init))
                    },
                    carried: message.resultToolCallIDs.map(\.rawValue), callbackResults: message.callbackResults,
                    tail: UnsafeRawBufferPointer(tail),
                    item: message.appended.item.map { ProjectionJSON.text($0) ?? "null" }, to: &w)
            }
        }
    }

    /// A message's fields its stored parts hold; `hasText` tells a missing text from an empty one (the head
    /// writes both as `""`). `nil` for parts that do not parse (only a damaged file holds such).
    static func fields(head: String, tail: String, hasText: Bool) -> Fields? {
        var fields = Fields()
        let parsed = forEachMember(head) { key, value in
            switch key {
            case "id": fields.id = value.string ?? ""
            case "role": fields.role = value.string ?? ""
            case "content": fields.text = hasText ? value.string : nil
            default: break
            }
        } && forEachMember(tail) { key, value in
            switch key {
            case "reasoning": fields.reasoning = value.string
            case "reasoningDuration": fields.reasoningDurationMs = value.integer
            case "model": fields.model = value.string
            case "finishReason": fields.finishReason = value.string
            default: break
            }
        }
        return parsed ? fields : nil
    }

    /// The fields of ``fields(head:tail:hasText:)``.
    struct Fields {
        var id = ""
        var role = ""
        var text: String?
        var reasoning: String?
        var reasoningDurationMs: Int?
        var model: String?
        var finishReason: String?
    }

    /// The tool call a stored head holds; `type` is the call's own (the head writes a missing one as
    /// `tool_use`).
    static func call(head: String, type: String?) -> ToolCall? {
        var id: String?
        var name = ""
        var input = ""
        forEachMember(head) { key, value in
            switch key {
            case "id": id = value.string
            case "name": name = value.string ?? ""
            case "input": input = value.string ?? ""
            default: break
            }
        }
        return id.flatMap(ToolCallID.init(rawValue:)).map { ToolCall(id: $0, name: name, input: input, type: type) }
    }

    @discardableResult
    private static func forEachMember(_ members: String, _ body: (String, JSONText.Member) -> Void) -> Bool {
        var members = members
        return members.withUTF8 { JSONText.forEachMember(UnsafeRawBufferPointer($0), body) }
    }

    private static func write(_ result: CallbackResultRecorded, to w: inout JSONWriter) {
        w.beginObject()
        w.field("tool_call_id", result.toolCallID.rawValue)
        w.field("tool_name", result.toolName)
        w.field("callback_name", result.callbackName)
        w.field("callback_type", result.callbackType.rawValue)
        w.field("stdout", result.stdout)
        w.field("stderr", result.stderr)
        w.field("exit_code", result.exitCode)
        w.field("subagent_id", result.subagentID?.rawValue)
        w.field("subagent_result", result.subagentResult)
        w.field("success", result.success)
        w.field("error", result.error)
        w.endObject()
    }
}

extension ExportMessageJSON.Result {
    /// A recorded result's export form.
    init(_ result: ToolResultRecorded) {
        self.init(
            literal: ExportMessageJSON.literal(result.result), metadata: result.metadata, isError: result.isError,
            screenshotURLs: ProjectionJSON.stringArray(result.screenshotURLs), finished: result.finished)
    }
}
