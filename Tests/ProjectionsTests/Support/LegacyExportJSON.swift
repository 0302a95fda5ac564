import Foundation
@testable import Projections
import Sessions

/// The JSON export renderer as it was before exports were concatenated from stored members (decision 0108),
/// kept verbatim as the oracle: every export from the projections must equal its bytes.
enum LegacyExportJSON {
    static func render(_ export: SessionExport) -> [UInt8] {
        let session = export.session
        var w = JSONWriter(capacity: 256 + export.messages.count * 512)
        let counters = session.counters
        w.beginObject()
        w.field("id", session.id.rawValue)
        w.field("title", session.title ?? "")
        w.field("userMessageCount", counters.userMessageCount)
        w.field("assistantMessageCount", counters.assistantMessageCount)
        w.field("toolCallCount", counters.toolCallCount)
        w.field("promptTokens", counters.promptTokens)
        w.field("completionTokens", counters.completionTokens)
        w.field("cost", counters.cost)
        w.field("createdAt", Timestamp.rfc3339(Timestamp.micros(session.createdAt)))
        w.field("updatedAt", Timestamp.rfc3339(Timestamp.micros(session.updatedAt)))
        w.field("version", Int(session.version))
        w.key("messages")
        w.beginArray()
        for message in export.messages { write(message, to: &w) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    private static func write(_ message: TranscriptMessage, to w: inout JSONWriter) {
        let appended = message.appended
        let time = Timestamp.rfc3339(Timestamp.micros(message.appendedAt))
        w.beginObject()
        w.field("id", appended.messageID.rawValue)
        w.field("role", appended.role.rawValue)
        w.field("content", appended.text ?? "")
        if !message.toolCalls.isEmpty {
            w.key("toolCalls")
            w.beginArray()
            for record in message.toolCalls {
                w.beginObject()
                w.field("id", record.call.id.rawValue)
                w.field("name", record.call.name)
                w.field("input", record.call.input)
                w.field("type", record.call.type ?? "tool_use")
                w.field("finished", record.isFinished)
                if let result = record.result {
                    w.field("result", result.result)
                    w.field("metadata", result.metadata)
                    w.field("isError", result.isError)
                    if !result.screenshotURLs.isEmpty { writeStrings("screenshotUrls", result.screenshotURLs, to: &w) }
                }
                w.endObject()
            }
            w.endArray()
        }
        if !message.resultToolCallIDs.isEmpty {
            w.key("toolResults")
            w.beginArray()
            for id in message.resultToolCallIDs {
                w.beginObject()
                w.field("toolCallId", id.rawValue)
                w.endObject()
            }
            w.endArray()
        }
        if !message.callbackResults.isEmpty {
            w.key("callbackResults")
            w.beginArray()
            for result in message.callbackResults {
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
            w.endArray()
        }
        w.field("reasoning", appended.reasoning)
        w.field("reasoningDuration", appended.reasoningDurationMs)
        w.field("model", appended.model)
        w.field("finishReason", appended.finishReason?.rawValue)
        w.field("createdAt", time)
        w.field("updatedAt", time)
        if let item = appended.item {
            w.key("item")
            w.raw(ProjectionJSON.text(item) ?? "null")
        }
        w.endObject()
    }

    private static func writeStrings(_ key: String, _ values: [String], to w: inout JSONWriter) {
        w.key(key)
        w.beginArray()
        for value in values { w.string(value) }
        w.endArray()
    }
}
