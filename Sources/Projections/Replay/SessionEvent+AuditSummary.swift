import Sessions

extension SessionEvent {
    /// Whether the event is conversation activity: it moves `lastActivityAt` (see docs/events.md, "Counters
    /// and status"). Renames, memory patches, callbacks, files and lifecycle changes are updates, not activity.
    var isActivity: Bool {
        switch self {
        case .created, .messageAppended, .toolResultRecorded, .callbackResultRecorded, .rewound,
            .processingStarted, .processingCancelled, .processingFinished, .messagesRemoved:
            true
        case .titleChanged, .callbacksReplaced, .userMemoryUpdated, .archived, .terminated, .fileAdded,
            .fileRemoved, .deleted, .erased, .forked, .stateUpdated:
            false
        }
    }

    /// The audit summary of an erased record of type `type`; compaction rewrites the index rows of the
    /// sessions it erased to the same text, so a rebuild after compaction equals the live projection.
    static func erasedSummary(of type: String) -> String { "erased \(type)" }

    /// A one-line description for the audit history: ids, counts and sizes, never content (no text, prompt,
    /// result or memory), so it may stay after a session's deletion.
    var auditSummary: String {
        switch self {
        case .created(let created):
            return "created via \(created.origin.rawValue) in namespace \(created.namespace)"
                + (created.sessionType == .subagent ? " (sub-agent of \(created.parentSessionID?.rawValue ?? "?"))" : "")
                + (created.forkedFrom.map { " (fork of \($0.sessionID) at #\($0.position))" } ?? "")
        case .titleChanged(let changed):
            return "title changed (\(changed.title.count) characters)"
        case .messageAppended(let message):
            return Self.summary(of: message)
        case .toolResultRecorded(let result):
            return Self.summary(of: result)
        case .callbackResultRecorded(let result):
            return "\(result.callbackType.rawValue) callback for \(result.toolCallID) on \(result.messageID): "
                + (result.success ? "success" : "failure")
        case .callbacksReplaced(let replaced):
            return "callbacks replaced (\(replaced.callbacks.count))"
        case .userMemoryUpdated(let updated):
            return "user memory replaced (\(updated.userMemory.count) keys)"
        case .rewound(let rewound):
            return "rewound to \(rewound.toMessageID), \(rewound.removedMessageIDs.count) messages removed"
                + (rewound.cleanupMedia ? ", media clean-up" : "")
        case .processingStarted(let started):
            return "run started" + (started.messageID.map { " by \($0)" } ?? "")
        case .processingCancelled(let cancelled):
            return "run cancelled (\(cancelled.reason))"
        case .processingFinished(let finished):
            return "run finished" + (finished.finishReason.map { " (\($0))" } ?? (finished.error == nil ? "" : " (error)"))
        case .archived:
            return "archived"
        case .terminated:
            return "terminated"
        case .fileAdded(let added):
            return "file \(added.fileID) added" + (added.byteCount.map { " (\($0) bytes)" } ?? "")
        case .fileRemoved(let removed):
            return "file \(removed.fileID) removed (\(removed.reason.rawValue))"
        case .deleted:
            return "deleted (tombstone)"
        case .erased(let erased):
            return Self.erasedSummary(of: erased.erasedType)
        case .forked(let forked):
            return "forked at #\(forked.position) into \(forked.forkSessionID) (\(forked.messageCount) messages)"
        case .messagesRemoved(let removed):
            return "\(removed.removedMessageIDs.count) messages removed (\(removed.reason.rawValue))"
        case .stateUpdated(let updated):
            return "state updated (\(updated.delta.count) keys)"
        }
    }

    /// A message's summary, appended piece by piece into one buffer: messages are most of a log, and a rebuild
    /// prepares one summary per event.
    private static func summary(of message: MessageAppended) -> String {
        var text = ""
        text.reserveCapacity(96)
        text += message.role.rawValue
        text += " message "
        text += message.messageID.rawValue
        var separator = " ("
        func detail(_ piece: String) {
            text += separator
            text += piece
            separator = ", "
        }
        if let body = message.text { detail(String(body.characterCount) + " characters") }
        if !message.toolCalls.isEmpty {
            detail(String(message.toolCalls.count) + (message.toolCalls.count == 1 ? " tool call" : " tool calls"))
        }
        let prompt = SessionCounters.promptTokens(
            input: message.inputTokens, cacheCreation: message.cacheCreationTokens)
        let completion = SessionCounters.completionTokens(
            output: message.outputTokens, cacheRead: message.cacheReadTokens)
        if prompt > 0 || completion > 0 { detail(String(prompt) + "+" + String(completion) + " tokens") }
        if let reason = message.finishReason { detail("finish " + reason.rawValue) }
        if message.item != nil { detail("framework item") }
        if separator == ", " { text += ")" }
        return text
    }

    private static func summary(of result: ToolResultRecorded) -> String {
        let status = result.isError ? " (error, " : " (ok, "
        let end = result.finished ? " bytes)" : " bytes, partial)"
        return "result of " + result.toolCallID.rawValue + " on " + result.messageID.rawValue + status
            + String(result.result.utf8.count) + end
    }
}

extension String {
    /// `count` (characters: extended grapheme clusters), without walking grapheme breaks for ASCII text — where
    /// every character is one byte except CR LF, which is one character.
    var characterCount: Int {
        var copy = self
        let ascii = copy.withUTF8 { utf8 -> Int? in
            var pairs = 0
            var previous: UInt8 = 0
            for byte in utf8 {
                if byte >= 0x80 { return nil }
                if byte == 0x0A, previous == 0x0D { pairs += 1 }
                previous = byte
            }
            return utf8.count - pairs
        }
        return ascii ?? count
    }
}
