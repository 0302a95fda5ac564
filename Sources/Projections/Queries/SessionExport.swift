import Foundation
import Sessions

/// A session's transcript as it stood at one point, with the session's fields and counters at that point:
/// what `GET /api/sessions/{id}/export` and `sessiond export` return.
///
/// Built from the projections by ``ProjectionStore/export(_:at:)`` without replaying the log, or from a fold
/// by ``init(_:)``; the two are equal for the same events. ``json()`` and ``markdown()`` render it; the same
/// export always renders to the same bytes.
public struct SessionExport: Sendable, Equatable {
    /// The session at the export's point.
    public var session: SessionSnapshot
    /// The messages live at that point, in order, tool calls joined to their results.
    public var messages: [TranscriptMessage]

    /// Creates an export from its parts.
    public init(session: SessionSnapshot, messages: [TranscriptMessage]) {
        self.session = session
        self.messages = messages
    }

    /// The export of a folded state (its live messages); `nil` when the session does not exist.
    public init?(_ state: SessionState) {
        guard let session = SessionSnapshot(state) else { return nil }
        self.init(session: session, messages: state.liveMessages)
    }

    /// Renders the export in `format`, UTF-8.
    public func rendered(as format: ExportFormat) -> [UInt8] {
        switch format {
        case .json: json()
        case .markdown: Array(markdown().utf8)
        }
    }

    /// The Mix `ExportSession` JSON (mix-api.md §2.6): compact, keys in a fixed order.
    ///
    /// Assistant messages carry `toolCalls` joined to their latest result (the session-wide join of
    /// `GET …/messages`); tool messages carry the results they recorded as `toolResults` and their
    /// `callbackResults`; a message a framework adapter stored carries its `item` whole; `version` is the
    /// session's version at the export's point.
    public func json() -> [UInt8] {
        Self.json(session, capacity: 256 + messages.count * 512) { w in
            for message in messages { ExportMessageJSON.write(message, to: &w) }
        }
    }

    /// The export document of `session` around its messages, which `writeMessages` writes.
    static func json(
        _ session: SessionSnapshot,
        capacity: Int,
        writeMessages: (inout JSONWriter) throws -> Void
    ) rethrows -> [UInt8] {
        var w = JSONWriter(capacity: capacity)
        writeHead(session, to: &w)
        try writeMessages(&w)
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// `{…,"messages":[`: the document before its messages, for a caller that writes them on its own.
    static func jsonHead(_ session: SessionSnapshot) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        writeHead(session, to: &w)
        return w.bytes
    }

    /// `]}`: the document after its messages.
    static let jsonTail: [UInt8] = Array("]}".utf8)

    private static func writeHead(_ session: SessionSnapshot, to w: inout JSONWriter) {
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
    }

    /// A readable transcript: a header with the counters, then each message with its tool calls and results.
    public func markdown() -> String {
        let counters = session.counters
        var text = "# \(session.title.map { $0.isEmpty ? "Untitled session" : $0 } ?? "Untitled session")\n\n"
        text += "- Session: `\(session.id)` (version \(session.version))\n"
        text += "- Created: \(Timestamp.rfc3339(Timestamp.micros(session.createdAt)))\n"
        text += "- Updated: \(Timestamp.rfc3339(Timestamp.micros(session.updatedAt)))\n"
        text += "- Messages: \(counters.userMessageCount) user, \(counters.assistantMessageCount) assistant, "
        text += "\(counters.toolCallCount) tool\n"
        text += "- Tokens: \(counters.promptTokens) prompt, \(counters.completionTokens) completion; "
        text += "cost $\(counters.cost)\n"
        for message in messages {
            let appended = message.appended
            let time = Timestamp.rfc3339(Timestamp.micros(message.appendedAt))
            var heading = "\n## \(appended.role.rawValue.capitalized) · \(time)"
            if let model = appended.model { heading += " · \(model)" }
            text += heading + "\n\n"
            if let reasoning = appended.reasoning, !reasoning.isEmpty {
                text += reasoning.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "> " + $0 }.joined(separator: "\n") + "\n\n"
            }
            if let body = appended.text, !body.isEmpty { text += body + "\n" }
            for record in message.toolCalls {
                text += "\n**Tool call** `\(record.call.name)` (`\(record.call.id)`)\n\n"
                text += fenced(record.call.input, language: "json")
                if let result = record.result {
                    text += "\n**Result**" + (result.isError ? " (error)" : "") + (result.finished ? "" : " (partial)")
                    text += "\n\n" + fenced(result.result, language: "")
                }
            }
            for result in message.callbackResults {
                text += "\n**Callback** \(result.callbackType.rawValue)"
                text += result.callbackName.map { " `\($0)`" } ?? ""
                text += " for `\(result.toolCallID)`: \(result.success ? "success" : "failure")\n"
            }
        }
        return text
    }

    private func fenced(_ body: String, language: String) -> String {
        var fence = "```"
        while body.contains(fence) { fence += "`" }
        return fence + language + "\n" + body + (body.hasSuffix("\n") ? "" : "\n") + fence + "\n"
    }
}
