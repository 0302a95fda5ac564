import Foundation
internal import GRDB
import Sessions

extension SessionReader {
    /// The SQL of the as-of export: the counters' columns and the stored export members, one range scan of
    /// `transcriptMessageBySession`.
    static let exportSQL = """
        SELECT addedPosition, messageId, role, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, cost,
          latencyMs, toolCallCount, removedPosition, headJSON, tailJSON, item
        FROM transcriptMessage WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND addedPosition <= ?
        ORDER BY addedPosition
        """

    /// The JSON export of `row`'s session as of `position`, concatenated from the members the projector stored
    /// for each message, tool call and result: the bytes ``SessionExport/json()`` renders for the same point,
    /// without building a ``Sessions/TranscriptMessage`` or escaping a string again. A long transcript renders
    /// in segments on other threads while the scan reads on (`rendering`, decision 0128).
    func exportJSON(of row: SessionRow, at position: Int64, rendering: ExportRendering = .standard) throws -> [UInt8] {
        let id = row.id
        let calls = try toolCalls(of: id, upTo: position)
        let results = try toolResults(of: id, upTo: position, calls: calls.values.reduce(0) { $0 + $1.count })
        let callbacks = try callbackResults(of: id, upTo: position)
        let joins = ExportMessageBatch.Joins(
            calls: calls, results: results.latest, carried: results.carried, callbackResults: callbacks.byMessage)
        let pipeline = ExportPipeline(workers: rendering.threads - 1, probe: rendering.probe)
        var segment = ExportMessageBatch(joins: joins)

        var tally = TranscriptTally(subagentCosts: callbacks.subagentCosts)
        // The rows stepped through SQLite's C API: GRDB's `Row` wraps each column read in a closure and a
        // `Data`, which cost more than SQLite's own work on this scan (decision 0125).
        let statement = try db.cachedStatement(sql: Self.exportSQL)
        var rows = BoundStatement(statement)
        rows.bind(id)
        rows.bind(position)
        var rowsRead = 0
        do {
            try rows.forEachRow { row in
                rowsRead += 1
                if rowsRead == rendering.failAfterRows { throw ExportRendering.InjectedFailure() }
                let added = row.int64(0)
                let role = row.role(2)
                let removed = row.isNull(10) ? nil : row.int64(10)
                let isLive = removed.map { $0 > position } ?? true
                tally.add(
                    added: added, role: role, isLive: isLive,
                    tokens: (row.int(3), row.int(4), row.int(5), row.int(6)),
                    cost: row.double(7), latencyMs: row.double(8), toolCallCount: row.int(9) ?? 0)
                guard isLive else { return }
                // A full segment is handed over only once another live message follows it, so that the last
                // one stays with ``ExportPipeline/finish(last:)``: an export of one segment dispatches nothing.
                if segment.count >= rendering.messagesPerSegment {
                    pipeline.submit(segment)
                    segment = ExportMessageBatch(joins: joins, capacity: segment.storedBytes + segment.storedBytes / 4)
                }
                segment.append(
                    added: added, id: row.bytes(1), head: row.bytes(11), tail: row.bytes(12),
                    item: row.isNull(13) ? nil : row.bytes(13))
            }
        } catch {
            // SQLITE_INTERRUPT (the awaiting task was cancelled), an I/O error, a corrupt page: the workers
            // must not wait for segments that will never come.
            pipeline.abandon()
            throw error
        }
        let pieces = pipeline.finish(last: segment)

        var session = try snapshot(
            row, at: position,
            history: TranscriptHistory(messages: [], places: [], counters: tally.counters, firstUserMessage: nil))
        session.counters = tally.finish()
        return ExportDocument.joined(head: SessionExport.jsonHead(session), pieces: pieces, tail: SessionExport.jsonTail)
    }
}

/// How an export's messages render: in segments of ``messagesPerSegment`` live messages, on up to ``threads``
/// threads (the reading one included) while the scan goes on; an export of one segment stays on the reading
/// thread (below that size, the hand-off to another thread costs more than it saves).
struct ExportRendering: Sendable {
    var threads: Int
    var messagesPerSegment: Int
    /// Tests: the scan throws ``InjectedFailure`` at this row (1 for the first), as a read error would.
    var failAfterRows: Int? = nil
    /// Tests: counts the workers the export dispatches.
    var probe: ExportProbe? = nil

    struct InjectedFailure: Error {}

    static let standard = ExportRendering(
        threads: min(ProcessInfo.processInfo.activeProcessorCount, 8), messagesPerSegment: 500)
}
