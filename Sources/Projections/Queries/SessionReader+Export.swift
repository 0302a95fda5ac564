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
        // The rows stepped through SQLite's C API: GRDB's `Row` wraps each column read in a closure and a
        // `Data`, which cost more than SQLite's own work on this scan (decision 0125).
        let statement = try db.cachedStatement(sql: Self.exportSQL)
        var rows = BoundStatement(statement)
        rows.bind(id)
        rows.bind(position)
        try rows.forEachRow { row in
            let added = row.int64(0)
            let role = row.role(2)
            let removed = row.isNull(10) ? nil : row.int64(10)
            let isLive = removed.map { $0 > position } ?? true
            tally.add(
                added: added, role: role, isLive: isLive,
                tokens: (row.int(3), row.int(4), row.int(5), row.int(6)),
                cost: row.double(7), latencyMs: row.double(8), toolCallCount: row.int(9) ?? 0)
            guard isLive else { return }
            messages.append(
                added: added, id: row.bytes(1), head: row.bytes(11), tail: row.bytes(12),
                item: row.isNull(13) ? nil : row.bytes(13))
        }

        var session = try snapshot(
            row, at: position,
            history: TranscriptHistory(messages: [], places: [], counters: tally.counters, firstUserMessage: nil))
        session.counters = tally.finish()
        return messages.document(
            head: SessionExport.jsonHead(session), chunks: rendering.chunks(for: messages.count),
            tail: SessionExport.jsonTail)
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
