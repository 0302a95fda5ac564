import Foundation
internal import GRDB
import Sessions

extension SessionReader {
    /// The SQL of the as-of export: the counters' columns and the stored export members, one range scan of
    /// `transcriptMessageBySession`.
    static let exportSQL = """
        SELECT addedPosition, messageId, role, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, cost,
          latencyMs, toolCallCount, removedPosition, headJSON, tailJSON, item
        FROM transcriptMessage WHERE sessionId = ? AND addedPosition <= ?
        ORDER BY addedPosition
        """

    /// The JSON export of `row`'s session as of `position`, concatenated from the members the projector stored
    /// for each message, tool call and result: the bytes ``SessionExport/json()`` renders for the same point,
    /// without building a ``Sessions/TranscriptMessage`` or escaping a string again.
    func exportJSON(of row: SessionRow, at position: Int64) throws -> [UInt8] {
        let id = row.id
        let callHeads = try toolCalls(of: id, upTo: position)
        let results = try toolResults(of: id, upTo: position)
        let callbacks = try callbackResults(of: id, upTo: position)

        var tally = TranscriptTally(subagentCosts: callbacks.subagentCosts)
        var messages = JSONWriter(capacity: 1 << 16)
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: Self.exportSQL), arguments: [id, position])
        while let message = try cursor.next() {
            let added: Int64 = message[0]
            let role = MessageRole(rawValue: message[2]) ?? .tool
            let removed: Int64? = message[10]
            let isLive = removed.map { $0 > position } ?? true
            tally.add(
                added: added, role: role, isLive: isLive, tokens: (message[3], message[4], message[5], message[6]),
                cost: message[7], latencyMs: message[8], toolCallCount: message[9])
            guard isLive else { continue }
            // A session with no results or callback results at the position skips the lookups by message id.
            let carries = !results.carried.isEmpty || !callbacks.byMessage.isEmpty
            let messageID: String = carries ? message[1] : ""
            let calls = (callHeads[added] ?? []).map { call in
                ExportMessageJSON.Call(head: call.head, result: results.latest[call.id]?.result)
            }
            let item = StoredText.decode(message, 13)
            // The stored members, read in place: SQLite's bytes go straight into the output.
            try message.withUnsafeData(atIndex: 11) { head in
                try message.withUnsafeData(atIndex: 12) { tail in
                    (head ?? Data()).withUnsafeBytes { head in
                        (tail ?? Data()).withUnsafeBytes { tail in
                            ExportMessageJSON.write(
                                head: head, calls: calls,
                                carried: carries ? results.carried[messageID] ?? [] : [],
                                callbackResults: carries ? callbacks.byMessage[messageID] ?? [] : [],
                                tail: tail, item: item,
                                to: &messages)
                        }
                    }
                }
            }
        }

        var session = try snapshot(
            row, at: position,
            history: TranscriptHistory(messages: [], places: [], counters: tally.counters, firstUserMessage: nil))
        session.counters = tally.finish()
        return SessionExport.json(session, capacity: messages.bytes.count + 512) { w in
            messages.bytes.withUnsafeBytes { w.members($0) }
        }
    }
}
