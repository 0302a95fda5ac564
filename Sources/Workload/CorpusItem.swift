import Foundation
import Sessions

/// One unit of work a session store is asked to keep: a session's creation, a message, a tool result or a
/// rewind. `sessiond-bench corpus` writes items as JSON lines so every store in tools/bench loads exactly
/// the same ones; `body` is the JSON sessiond's HTTP API takes for it (Mix create and rewind, native
/// `message` and `tool_result`).
public struct CorpusItem: Sendable {
    public enum Kind: String, Sendable {
        case create, message, toolResult = "tool_result", rewind
    }

    /// The corpus's own session id (a store may assign its own).
    public var session: String
    public var kind: Kind
    /// The request body as sessiond's HTTP API takes it, compact JSON with sorted keys.
    public var body: [UInt8]
    /// The same item as a command for ``Session/decide(_:state:context:)`` (the library path).
    public var command: SessionCommand

    /// The JSON line: `{"body":{…},"kind":"…","session":"…"}`.
    public var jsonLine: [UInt8] {
        Array(#"{"body":"#.utf8) + body + Array(#","kind":"\#(kind.rawValue)","session":"\#(session)"}"#.utf8)
    }
}

extension SessionCorpus {
    /// The items of `sessions` sessions of `turns` turns each, plus (when `longSessionMessages` > 0) one long
    /// session that gets turns until it holds that many messages; sessions advance one turn at a time, round
    /// robin, as concurrent agents would. The long session is the first one. Deterministic for the seed.
    public mutating func items(sessions: Int, turns: Int, longSessionMessages: Int = 0) -> [CorpusItem] {
        var ids = (0..<sessions).map { Self.sessionID($0) }
        if longSessionMessages > 0 { ids.insert("long-session", at: 0) }
        var items = ids.enumerated().compactMap { number, id in Self.item(session: id, event: Self.creation(session: id, number: number)) }
        var messages = [Int](repeating: 0, count: ids.count)
        var turn = 0
        while true {
            var active = false
            for (index, id) in ids.enumerated() {
                let isLong = longSessionMessages > 0 && index == 0
                guard isLong ? messages[index] < longSessionMessages : turn < turns else { continue }
                active = true
                for event in self.turn(session: id, turn: turn) {
                    guard let item = Self.item(session: id, event: event) else { continue }
                    if item.kind != .rewind { messages[index] += 1 }
                    items.append(item)
                }
            }
            guard active else { break }
            turn += 1
        }
        return items
    }

    /// The item recording `event`, or nil for what a store derives itself (a run's start and end, the empty
    /// tool message a tool result creates).
    static func item(session: String, event: SessionEvent) -> CorpusItem? {
        let id = SessionID(rawValue: session)!
        switch event {
        case .created(let created):
            return CorpusItem(
                session: session, kind: .create,
                body: json(["title": created.title ?? "", "browserMode": created.browserMode.rawValue]),
                command: .create(CreateSession(
                    sessionID: id, namespace: "default", title: created.title, browserMode: created.browserMode.rawValue)))
        case .messageAppended(let message):
            guard message.role != .tool else { return nil }
            var body: [String: Any] = ["type": "message", "messageId": message.messageID.rawValue, "role": message.role.rawValue]
            body["text"] = message.text
            body["reasoning"] = message.reasoning
            body["reasoningDurationMs"] = message.reasoningDurationMs
            body["model"] = message.model
            body["finishReason"] = message.finishReason?.rawValue
            body["inputTokens"] = message.inputTokens
            body["outputTokens"] = message.outputTokens
            body["cacheCreationTokens"] = message.cacheCreationTokens
            body["cacheReadTokens"] = message.cacheReadTokens
            body["cost"] = message.cost
            body["latencyMs"] = message.latencyMs
            if !message.toolCalls.isEmpty {
                body["toolCalls"] = message.toolCalls.map { call in
                    ["id": call.id.rawValue, "name": call.name, "input": call.input, "type": call.type ?? "tool_use"]
                }
            }
            return CorpusItem(
                session: session, kind: .message, body: json(body),
                command: .appendMessage(AppendMessage(
                    sessionID: id, messageID: message.messageID, role: message.role, text: message.text,
                    reasoning: message.reasoning, reasoningDurationMs: message.reasoningDurationMs, model: message.model,
                    finishReason: message.finishReason, inputTokens: message.inputTokens, outputTokens: message.outputTokens,
                    cacheCreationTokens: message.cacheCreationTokens, cacheReadTokens: message.cacheReadTokens,
                    cost: message.cost, latencyMs: message.latencyMs, toolCalls: message.toolCalls)))
        case .toolResultRecorded(let result):
            let body: [String: Any] = [
                "type": "tool_result", "toolCallId": result.toolCallID.rawValue, "messageId": result.messageID.rawValue,
                "result": result.result, "isError": result.isError,
            ]
            return CorpusItem(
                session: session, kind: .toolResult, body: json(body),
                command: .recordToolResult(RecordToolResult(
                    sessionID: id, toolCallID: result.toolCallID, messageID: result.messageID, result: result.result,
                    isError: result.isError)))
        case .rewound(let rewind):
            return CorpusItem(
                session: session, kind: .rewind, body: json(["messageId": rewind.toMessageID.rawValue]),
                command: .rewind(RewindSession(sessionID: id, messageID: rewind.toMessageID)))
        default:
            return nil
        }
    }

    private static func json(_ object: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
