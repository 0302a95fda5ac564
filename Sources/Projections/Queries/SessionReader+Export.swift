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
    /// without building a ``Sessions/TranscriptMessage`` or escaping a string again. The rows are read first;
    /// a long transcript then renders on several threads (`rendering`, decision 0124).
    func exportJSON(of row: SessionRow, at position: Int64, rendering: ExportRendering = .standard) throws -> [UInt8] {
        let id = row.id
        let results = try toolResults(of: id, upTo: position)
        let callbacks = try callbackResults(of: id, upTo: position)
        var messages = ExportMessageBatch(joins: ExportMessageBatch.Joins(
            calls: try toolCalls(of: id, upTo: position), results: results.latest, carried: results.carried,
            callbackResults: callbacks.byMessage))

        var tally = TranscriptTally(subagentCosts: callbacks.subagentCosts)
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
            // The stored members, read in place and copied once, into the batch.
            try message.withUnsafeData(atIndex: 1) { messageID in
                try message.withUnsafeData(atIndex: 11) { head in
                    try message.withUnsafeData(atIndex: 12) { tail in
                        try message.withUnsafeData(atIndex: 13) { item in
                            Self.withBytes(messageID, head, tail) { messageID, head, tail in
                                Self.withBytes(item) { item in
                                    messages.append(added: added, id: messageID, head: head, tail: tail, item: item)
                                }
                            }
                        }
                    }
                }
            }
        }

        var session = try snapshot(
            row, at: position,
            history: TranscriptHistory(messages: [], places: [], counters: tally.counters, firstUserMessage: nil))
        session.counters = tally.finish()
        let pieces = messages.rendered(chunks: rendering.chunks(for: messages.count))
        return SessionExport.json(session, capacity: pieces.reduce(512) { $0 + $1.count }) { w in
            for piece in pieces { piece.withUnsafeBytes { w.members($0) } }
        }
    }
}

extension SessionReader {
    /// The bytes of three columns read in place (empty for `NULL`).
    fileprivate static func withBytes(
        _ a: Data?, _ b: Data?, _ c: Data?, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        (a ?? Data()).withUnsafeBytes { a in (b ?? Data()).withUnsafeBytes { b in (c ?? Data()).withUnsafeBytes { c in body(a, b, c) } } }
    }

    /// The bytes of a column read in place; `nil` for `NULL`.
    fileprivate static func withBytes(_ data: Data?, _ body: (UnsafeRawBufferPointer?) -> Void) {
        guard let data else { return body(nil) }
        data.withUnsafeBytes { body($0) }
    }
}

/// How many threads render an export's messages: one for a short transcript, up to the active cores for a
/// long one, each chunk at least ``minimumMessagesPerChunk`` messages (below that, the hand-off to another
/// thread costs more than it saves).
struct ExportRendering: Sendable {
    var maximumChunks: Int
    var minimumMessagesPerChunk: Int

    static let standard = ExportRendering(
        maximumChunks: min(ProcessInfo.processInfo.activeProcessorCount, 8), minimumMessagesPerChunk: 500)

    func chunks(for messages: Int) -> Int {
        max(1, min(maximumChunks, messages / max(1, minimumMessagesPerChunk)))
    }
}
