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
    /// The columns of a transcript message as ``message(_:toolCalls:)`` reads them, in that order.
    static let transcriptColumns = """
        addedPosition, addedVersion, addedAt, messageId, role, hasText, headJSON, tailJSON, inputTokens,
          outputTokens, cacheCreationTokens, cacheReadTokens, cost, latencyMs, metadata, toolCallCount,
          removedPosition, removedVersion, removedAt, item
        """

    /// The SQL of a page of Mix's message history: the live user messages of every existing session (of the
    /// namespace `?1`, all when null), newest first (`LIMIT ?2 OFFSET ?3`); ``transcriptColumns``, then the session's id.
    static let userMessagesSQL = """
        SELECT \(transcriptColumns.split(separator: ",").map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")), s.id
        FROM transcriptMessage m JOIN stream ON stream.key = m.sessionKey JOIN session s ON s.id = stream.id
        WHERE m.role = 'user' AND m.removedPosition IS NULL AND (?1 IS NULL OR s.namespace = ?1)
        ORDER BY m.addedAt DESC, m.addedPosition DESC LIMIT ?2 OFFSET ?3
        """

    /// The SQL of the as-of transcript: one range scan of `transcriptMessageBySession`.
    static let transcriptSQL = """
        SELECT \(transcriptColumns)
        FROM transcriptMessage WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND addedPosition <= ?
        ORDER BY addedPosition
        """

    /// The transcript and counters as of `position`, from the temporal rows: index range scans of the
    /// messages, their tool calls, results and callback results up to `position`.
    func history(of id: String, upTo position: Int64) throws -> TranscriptHistory {
        let calls = try toolCalls(of: id, upTo: position).mapValues { calls in
            calls.compactMap { ExportMessageJSON.call(head: $0.head, type: $0.type) }
        }

        let recorded = try toolResults(of: id, upTo: position, calls: calls.values.reduce(0) { $0 + $1.count })
        var results: [ToolCallID: ToolResultRecorded] = [:]
        for (callID, (messageID, result)) in recorded.latest {
            results[ToolCallID(rawValue: callID)!] = ToolResultRecorded(
                toolCallID: ToolCallID(rawValue: callID)!, messageID: MessageID(rawValue: messageID)!,
                result: StoredText.text(result.literal).flatMap { literal in
                    var literal = literal
                    return literal.withUTF8 { JSONText.string(UnsafeRawBufferPointer($0)) }
                } ?? "",
                metadata: result.metadata, isError: result.isError,
                screenshotURLs: result.screenshotURLs == "[]"
                    ? [] : ProjectionJSON.value([String].self, from: result.screenshotURLs) ?? [],
                finished: result.finished)
        }
        let callbacks = try callbackResults(of: id, upTo: position)

        var messages: [TranscriptMessage] = []
        var places: [(added: Int64, removed: Int64?)] = []
        var tally = TranscriptTally(subagentCosts: callbacks.subagentCosts)
        var firstUserMessage: String?
        let cursor = try Row.fetchCursor(db, sql: Self.transcriptSQL, arguments: [id, position])
        while let row = try cursor.next() {
            let added: Int64 = row[0]
            var message = Self.message(row, toolCalls: calls[added] ?? [])
            let appended = message.appended
            let role = appended.role
            for index in message.toolCalls.indices {
                message.toolCalls[index].result = results[message.toolCalls[index].call.id]
            }
            message.resultToolCallIDs = (recorded.carried[appended.messageID.rawValue] ?? []).map {
                ToolCallID(rawValue: $0)!
            }
            message.callbackResults = callbacks.byMessage[appended.messageID.rawValue] ?? []
            let removedPosition: Int64? = row[16]
            let isLive: Bool
            if let removedPosition, removedPosition <= position {
                message.removedVersion = UInt64(row[17] as Int64)
                message.removedAt = Timestamp.date(row[18])
                isLive = false
            } else {
                isLive = true
            }
            tally.add(
                added: added, role: role, isLive: isLive,
                tokens: (appended.inputTokens, appended.outputTokens, appended.cacheCreationTokens, appended.cacheReadTokens),
                cost: appended.cost, latencyMs: appended.latencyMs, toolCallCount: row[15])
            if firstUserMessage == nil, tally.firstUserPosition == added { firstUserMessage = appended.text }
            messages.append(message)
            places.append((added, removedPosition))
        }
        return TranscriptHistory(
            messages: messages, places: places, counters: tally.finish(), firstUserMessage: firstUserMessage)
    }

    /// The message a row of ``transcriptSQL``'s columns holds (in their order), with `toolCalls`; no results.
    static func message(_ row: Row, toolCalls: [ToolCall]) -> TranscriptMessage {
        let fields = ExportMessageJSON.fields(head: row[6], tail: row[7], hasText: row[5])
        let metadata: String? = row[14]
        let appended = MessageAppended(
            messageID: MessageID(rawValue: row[3])!, role: MessageRole(rawValue: row[4]) ?? .tool, text: fields?.text,
            reasoning: fields?.reasoning, reasoningDurationMs: fields?.reasoningDurationMs, model: fields?.model,
            finishReason: fields?.finishReason.flatMap(FinishReason.init), inputTokens: row[8],
            outputTokens: row[9], cacheCreationTokens: row[10], cacheReadTokens: row[11], cost: row[12],
            latencyMs: row[13], toolCalls: toolCalls,
            metadata: metadata.flatMap { ProjectionJSON.value(JSONObject.self, from: $0) },
            item: ProjectionJSON.value(JSONValue.self, from: StoredText.decode(row, 19)))
        return TranscriptMessage(appended: appended, version: UInt64(row[1] as Int64), at: Timestamp.date(row[2]))
    }

    /// The tool calls of the messages added up to `position`, by the message's position, in order: each call's
    /// id, stored export head and type.
    func toolCalls(of id: String, upTo position: Int64) throws -> [Int64: [(id: String, head: String, type: String?)]] {
        var calls: [Int64: [(id: String, head: String, type: String?)]] = [:]
        // Stepped through SQLite's C API, as the export's scan (decision 0125): one row per call of the
        // transcript, read before every export.
        var rows = BoundStatement(try db.cachedStatement(sql: """
            SELECT messagePosition, toolCallId, headJSON, type FROM toolCall
            WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND messagePosition <= ?
            ORDER BY messagePosition, callIndex
            """))
        rows.bind(id)
        rows.bind(position)
        try rows.forEachRow { row in
            calls[row.int64(0), default: []].append((row.string(1), row.string(2), row.optionalString(3)))
        }
        return calls
    }

    /// The tool results recorded up to `position`: the latest per call (by call id, with the id of the message
    /// that recorded it), and the calls each tool message carries, first recorded first (by message id).
    /// `calls`, the number of calls up to `position` when known, sizes the tables once (growing them rehashes
    /// every id).
    func toolResults(of id: String, upTo position: Int64, calls: Int = 0) throws -> (
        latest: [String: (messageID: String, result: ExportMessageJSON.Result)], carried: [String: [String]]
    ) {
        var latest: [String: (messageID: String, result: ExportMessageJSON.Result)] = [:]
        var carried: [String: [String]] = [:]
        latest.reserveCapacity(calls)
        carried.reserveCapacity(calls)
        var rows = BoundStatement(try db.cachedStatement(sql: """
            SELECT toolCallId, messageId, resultLiteral, metadata, isError, screenshotUrls, finished FROM toolResult
            WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND position <= ? ORDER BY position
            """))
        rows.bind(id)
        rows.bind(position)
        try rows.forEachRow { row in
            let callID = row.string(0)
            let messageID = row.string(1)
            let result = ExportMessageJSON.Result(
                literal: row.isNull(2) ? Array(#""""#.utf8) : Array(row.bytes(2)), metadata: row.optionalString(3),
                isError: row.int64(4) != 0, screenshotURLs: row.string(5), finished: row.int64(6) != 0)
            if latest.updateValue((messageID, result), forKey: callID) == nil {
                carried[messageID, default: []].append(callID)
            } else if carried[messageID]?.contains(callID) != true {
                carried[messageID, default: []].append(callID)
            }
        }
        return (latest, carried)
    }

    /// The callback results recorded up to `position`, by the id of the message that carries them, and the
    /// sub-agent costs by position (for the cost sum).
    func callbackResults(of id: String, upTo position: Int64) throws -> (
        byMessage: [String: [CallbackResultRecorded]], subagentCosts: [(position: Int64, cost: Double)]
    ) {
        var byMessage: [String: [CallbackResultRecorded]] = [:]
        var subagentCosts: [(position: Int64, cost: Double)] = []
        let cursor = try Row.fetchCursor(
                db.cachedStatement(sql: """
                SELECT position, messageId, toolCallId, toolName, callbackName, callbackType, stdout, stderr,
                  exitCode, subagentId, subagentResult, success, error, excludeFromContext, subagentCost
                FROM callbackResult WHERE sessionId = ? AND position <= ? ORDER BY position
                """),
            arguments: [id, position])
        while let row = try cursor.next() {
            let subagentCost: Double? = row[14]
            let result = CallbackResultRecorded(
                messageID: MessageID(rawValue: row[1])!, toolCallID: ToolCallID(rawValue: row[2])!, toolName: row[3],
                callbackName: row[4], callbackType: CallbackType(rawValue: row[5]) ?? .bashScript, stdout: row[6],
                stderr: row[7], exitCode: row[8], subagentID: (row[9] as String?).flatMap(SessionID.init(rawValue:)),
                subagentResult: row[10], success: row[11], error: row[12], excludeFromContext: row[13],
                subagentCost: subagentCost)
            byMessage[result.messageID.rawValue, default: []].append(result)
            if let subagentCost { subagentCosts.append((row[0], subagentCost)) }
        }
        return (byMessage, subagentCosts)
    }
}
