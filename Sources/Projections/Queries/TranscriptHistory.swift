import Foundation
internal import GRDB
import Sessions

/// A session's transcript as of a position, with the counters it implies.
struct TranscriptHistory {
    /// Every message added up to the position, removed ones flagged (removed at or before it).
    var messages: [TranscriptMessage]
    /// For each of ``messages``: the position that added it and the position of the rewind that removed it,
    /// known now (so it may lie after the history's position).
    var places: [(added: Int64, removed: Int64?)]
    /// The Mix counters and Mixpeek stats as of the position.
    var counters: SessionCounters
    /// The earliest message still live at the position whose role is `user`.
    var firstUserMessage: String?
}

extension SessionReader {
    /// The SQL of the as-of transcript: one range scan of `transcriptMessageBySession`.
    static let transcriptSQL = """
        SELECT addedPosition, addedVersion, addedAt, messageId, role, text, reasoning, reasoningDurationMs, model,
          finishReason, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, cost, latencyMs, metadata,
          toolCallCount, removedPosition, removedVersion, removedAt, item
        FROM transcriptMessage WHERE sessionId = ? AND addedPosition <= ?
        ORDER BY addedPosition
        """

    /// The transcript and counters as of `position`, from the temporal rows: index range scans of the
    /// messages, their tool calls, results and callback results up to `position`.
    func history(of id: String, upTo position: Int64) throws -> TranscriptHistory {
        // Tool calls, by their message's position.
        var calls: [Int64: [ToolCall]] = [:]
        let callCursor = try Row.fetchCursor(
                db.cachedStatement(sql: """
                SELECT messagePosition, toolCallId, name, input, type FROM toolCall
                WHERE sessionId = ? AND messagePosition <= ? ORDER BY messagePosition, callIndex
                """),
            arguments: [id, position])
        while let row = try callCursor.next() {
            let call = ToolCall(id: ToolCallID(rawValue: row[1])!, name: row[2], input: row[3], type: row[4])
            calls[row[0], default: []].append(call)
        }

        // Results: the latest per call, and the calls each tool message carries (first recorded first).
        var results: [ToolCallID: ToolResultRecorded] = [:]
        var carried: [MessageID: [ToolCallID]] = [:]
        let resultCursor = try Row.fetchCursor(
                db.cachedStatement(sql: """
                SELECT toolCallId, messageId, result, metadata, isError, screenshotUrls, finished FROM toolResult
                WHERE sessionId = ? AND position <= ? ORDER BY position
                """),
            arguments: [id, position])
        while let row = try resultCursor.next() {
            let urls: String = row[5]
            let result = ToolResultRecorded(
                toolCallID: ToolCallID(rawValue: row[0])!, messageID: MessageID(rawValue: row[1])!,
                result: StoredText.decode(row, 2) ?? "",
                metadata: row[3], isError: row[4],
                screenshotURLs: urls == "[]" ? [] : ProjectionJSON.value([String].self, from: urls) ?? [],
                finished: row[6])
            results[result.toolCallID] = result
            if carried[result.messageID]?.contains(result.toolCallID) != true {
                carried[result.messageID, default: []].append(result.toolCallID)
            }
        }

        // Callback results, per message; sub-agent costs by position for the cost sum.
        var callbackResults: [MessageID: [CallbackResultRecorded]] = [:]
        var subagentCosts: [(position: Int64, cost: Double)] = []
        let callbackCursor = try Row.fetchCursor(
                db.cachedStatement(sql: """
                SELECT position, messageId, toolCallId, toolName, callbackName, callbackType, stdout, stderr,
                  exitCode, subagentId, subagentResult, success, error, excludeFromContext, subagentCost
                FROM callbackResult WHERE sessionId = ? AND position <= ? ORDER BY position
                """),
            arguments: [id, position])
        while let row = try callbackCursor.next() {
            let subagentCost: Double? = row[14]
            let result = CallbackResultRecorded(
                messageID: MessageID(rawValue: row[1])!, toolCallID: ToolCallID(rawValue: row[2])!, toolName: row[3],
                callbackName: row[4], callbackType: CallbackType(rawValue: row[5]) ?? .bashScript, stdout: row[6],
                stderr: row[7], exitCode: row[8], subagentID: (row[9] as String?).flatMap(SessionID.init(rawValue:)),
                subagentResult: row[10], success: row[11], error: row[12], excludeFromContext: row[13],
                subagentCost: subagentCost)
            callbackResults[result.messageID, default: []].append(result)
            if let subagentCost { subagentCosts.append((row[0], subagentCost)) }
        }

        var messages: [TranscriptMessage] = []
        var places: [(added: Int64, removed: Int64?)] = []
        var counters = SessionCounters()
        var firstUserMessage: String?
        var foundFirstUser = false
        var nextCost = 0
        let cursor = try Row.fetchCursor(db, sql: Self.transcriptSQL, arguments: [id, position])
        while let row = try cursor.next() {
            let added: Int64 = row[0]
            let role = MessageRole(rawValue: row[4]) ?? .tool
            let metadata: String? = row[16]
            let appended = MessageAppended(
                messageID: MessageID(rawValue: row[3])!, role: role, text: row[5], reasoning: row[6],
                reasoningDurationMs: row[7], model: row[8], finishReason: (row[9] as String?).flatMap(FinishReason.init),
                inputTokens: row[10], outputTokens: row[11], cacheCreationTokens: row[12], cacheReadTokens: row[13],
                cost: row[14], latencyMs: row[15], toolCalls: calls[added] ?? [],
                metadata: metadata.flatMap { ProjectionJSON.value(JSONObject.self, from: $0) },
                item: ProjectionJSON.value(JSONValue.self, from: StoredText.decode(row, 21)))
            var message = TranscriptMessage(
                appended: appended, version: UInt64(row[1] as Int64), at: Timestamp.date(row[2]))
            for index in message.toolCalls.indices {
                message.toolCalls[index].result = results[message.toolCalls[index].call.id]
            }
            message.resultToolCallIDs = carried[appended.messageID] ?? []
            message.callbackResults = callbackResults[appended.messageID] ?? []
            let removedPosition: Int64? = row[18]
            let isLive: Bool
            if let removedPosition, removedPosition <= position {
                message.removedVersion = UInt64(row[19] as Int64)
                message.removedAt = Timestamp.date(row[20])
                isLive = false
            } else {
                isLive = true
            }

            // Counters, in log order (costs interleaved with sub-agent costs, as the fold adds them).
            while nextCost < subagentCosts.count, subagentCosts[nextCost].position < added {
                counters.cost += subagentCosts[nextCost].cost
                nextCost += 1
            }
            counters.totalMessages += 1
            if isLive {
                counters.messageCount += 1
                switch role {
                case .user: counters.userMessageCount += 1
                case .assistant: counters.assistantMessageCount += 1
                case .tool: counters.toolCallCount += 1
                }
                if role == .user, !foundFirstUser {
                    foundFirstUser = true
                    firstUserMessage = appended.text
                }
            }
            counters.promptTokens += (appended.inputTokens ?? 0) + (appended.cacheCreationTokens ?? 0)
            counters.completionTokens += (appended.outputTokens ?? 0) + (appended.cacheReadTokens ?? 0)
            counters.cost += appended.cost ?? 0
            counters.totalToolCalls += row[17] as Int
            if let latency = appended.latencyMs {
                counters.latencySumMs += latency
                counters.latencySamples += 1
            }
            messages.append(message)
            places.append((added, removedPosition))
        }
        while nextCost < subagentCosts.count {
            counters.cost += subagentCosts[nextCost].cost
            nextCost += 1
        }
        return TranscriptHistory(
            messages: messages, places: places, counters: counters, firstUserMessage: firstUserMessage)
    }
}
