import Sessions

/// One message of the JSON export (mix-api.md §2.6) in parts: what never changes once the message is appended
/// (its head and tail members, each tool call's head, a result's text as a JSON literal) and what later
/// events add (a call's result, the results and callback results a tool message carries).
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
        /// The result text as a JSON string literal (``JSONStringLiteral``).
        var literal: String
        var metadata: String?
        var isError: Bool
        /// The screenshot URLs as a JSON array of strings.
        var screenshotURLs: String
        var finished: Bool
    }

    /// `"id":…,"role":…,"content":…`: the members before the tool calls.
    static func head(_ message: MessageAppended) -> String {
        var w = JSONWriter(capacity: 96 + (message.text?.utf8.count ?? 0))
        w.field("id", message.messageID.rawValue)
        w.field("role", message.role.rawValue)
        w.field("content", message.text ?? "")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `"reasoning":…` to `"updatedAt":…` and the framework item: the members after the results. A message is
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
        if let item = message.item {
            w.key("item")
            w.raw(ProjectionJSON.text(item) ?? "null")
        }
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
        head: String,
        calls: [Call],
        carried: [String],
        callbackResults: [CallbackResultRecorded],
        tail: String,
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
                    w.raw(result.literal)
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
        w.endObject()
    }

    /// One message of a fold, its parts rendered on the spot.
    static func write(_ message: TranscriptMessage, to w: inout JSONWriter) {
        write(
            head: head(message.appended),
            calls: message.toolCalls.map { record in
                Call(head: callHead(record.call), result: record.result.map(Result.init))
            },
            carried: message.resultToolCallIDs.map(\.rawValue), callbackResults: message.callbackResults,
            tail: tail(message.appended, appendedAt: Timestamp.micros(message.appendedAt)), to: &w)
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
            literal: JSONStringLiteral.encode(result.result), metadata: result.metadata, isError: result.isError,
            screenshotURLs: ProjectionJSON.stringArray(result.screenshotURLs), finished: result.finished)
    }
}
