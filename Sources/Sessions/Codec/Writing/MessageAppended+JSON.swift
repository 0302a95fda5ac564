import Foundation

extension MessageAppended {
    /// The event's body as ``EventJSON/encoder`` writes it, or `nil` when a number is not finite (the encoder's error
    /// is then the one to report).
    func bodyJSON() -> [UInt8]? {
        guard cost?.isFinite ?? true, latencyMs?.isFinite ?? true else { return nil }
        var w = EventBodyWriter(capacity: 256 + (text?.utf8.count ?? 0) + (reasoning?.utf8.count ?? 0))
        w.beginObject()
        if let cacheCreationTokens { w.key("cacheCreationTokens"); w.int(cacheCreationTokens) }
        if let cacheReadTokens { w.key("cacheReadTokens"); w.int(cacheReadTokens) }
        if let copiedFrom { w.key("copiedFrom"); w.string(copiedFrom.rawValue) }
        if let cost { w.key("cost"); w.double(cost) }
        if let finishReason { w.key("finishReason"); w.string(finishReason.rawValue) }
        if let inputTokens { w.key("inputTokens"); w.int(inputTokens) }
        if let item {
            w.key("item")
            guard w.value(item) else { return nil }
        }
        if let latencyMs { w.key("latencyMs"); w.double(latencyMs) }
        w.key("messageId")
        w.string(messageID.rawValue)
        if let metadata {
            w.key("metadata")
            guard w.object(metadata) else { return nil }
        }
        if let model { w.key("model"); w.string(model) }
        if let outputTokens { w.key("outputTokens"); w.int(outputTokens) }
        if let reasoning { w.key("reasoning"); w.string(reasoning) }
        if let reasoningDurationMs { w.key("reasoningDurationMs"); w.int(reasoningDurationMs) }
        w.key("role")
        w.string(role.rawValue)
        if let text { w.key("text"); w.string(text) }
        w.key("toolCalls")
        w.beginArray()
        for call in toolCalls {
            w.beginObject()
            w.key("id")
            w.string(call.id.rawValue)
            w.key("input")
            w.string(call.input)
            w.key("name")
            w.string(call.name)
            if let type = call.type { w.key("type"); w.string(type) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
