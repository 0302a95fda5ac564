import EventLog
import Foundation
internal import GRDB
import Sessions

/// Reads one session's rows inside a read transaction and assembles the public models, at the current state
/// or as of a log position.
///
/// As of P, every temporal row answers for itself: a message, callback or file counts when it was added at or
/// before P and not removed at or before P; a changing field takes its latest value at or before P; counters
/// are recomputed from the transcript rows up to P (tokens and cost are never rolled back, so removed rows
/// count for them). Nothing replays the log.
///
/// Its statements are the connection's cached ones: compiling a statement (GRDB's authorizer and region
/// tracking included) cost more than running it, on the hot path of every session read.
struct SessionReader {
    let db: Database

    /// The position of a point in the session's history, `nil` when the session did not exist then.
    func position(of row: SessionRow, at asOf: AsOf) throws -> Int64? {
        let position: Int64?
        switch asOf {
        case .latest:
            position = row.lastPosition
        case .position(let requested):
            position = requested.rawValue >= UInt64(row.lastPosition) ? row.lastPosition : Int64(requested.rawValue)
        case .version(let version):
            if version >= UInt64(row.version) {
                position = row.lastPosition
            } else {
                position = try Int64.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT position FROM eventIndex
                        WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND version = ?
                        """),
                    arguments: [row.id, Int64(version)])
            }
        case .message(let messageID):
            guard
                let message = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT addedPosition, removedPosition FROM transcriptMessage
                        WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND messageId = ?
                        """,
                    arguments: [row.id, messageID.rawValue])
            else { return nil }
            let added: Int64 = message[0]
            let removed: Int64? = message[1]
            // Just before the next message, so the results a tool message carries count with it, and never past the
            // rewind, pop or clear that removed the message itself: the point shows the message live.
            let next = try Int64.fetchOne(
                db,
                sql: """
                    SELECT min(addedPosition) FROM transcriptMessage
                    WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND addedPosition > ?
                    """,
                arguments: [row.id, added])
            position = [next, removed].compactMap { $0 }.min().map { $0 - 1 } ?? row.lastPosition
        case .time(let date):
            position = try Int64.fetchOne(
                db.cachedStatement(sql: """
                    SELECT position FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?)
                      AND recordedAt <= ?
                    ORDER BY version DESC LIMIT 1
                    """),
                arguments: [row.id, Timestamp.micros(date)])
        }
        guard let position, position >= row.createdPosition else { return nil }
        return position
    }

    /// The session's row, `nil` when it does not exist (never created, or deleted).
    func row(_ id: SessionID) throws -> SessionRow? {
        try SessionRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE id = ?"), arguments: [id.rawValue])
    }

    /// The snapshot as of `position` (the current state when it is the session's last position).
    func snapshot(_ row: SessionRow, at position: Int64, history: TranscriptHistory? = nil) throws -> SessionSnapshot {
        if position >= row.lastPosition {
            return try currentSnapshot(row)
        }
        let history = try history ?? self.history(of: row.id, upTo: position)
        let last = try lastEvent(of: row.id, atOrBefore: position)
        // Both scan back from the last event at the position, over its primary key.
        let lastActivity = try last.flatMap { last in
            try Int64.fetchOne(
                db.cachedStatement(sql: """
                    SELECT recordedAt FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?)
                      AND version <= ? AND isActivity
                    ORDER BY version DESC LIMIT 1
                    """),
                arguments: [row.id, last.version])
        }
        // Only this incarnation's events: a run an earlier one (deleted before the id was created again, decision
        // 0177) left started is not this session's.
        let processing = try last.flatMap { last in
            try String.fetchOne(
                db.cachedStatement(sql: """
                    SELECT type FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?)
                      AND version <= ? AND position >= ?
                      AND type IN ('processing.started', 'processing.cancelled', 'processing.finished',
                                   'session.terminated')
                    ORDER BY version DESC LIMIT 1
                    """),
                arguments: [row.id, last.version, row.createdPosition])
        }
        let version = last?.version ?? row.version
        let updatedAt = last?.recordedAt ?? row.updatedAt
        return SessionSnapshot(
            id: SessionID(rawValue: row.id)!, namespace: row.namespace,
            origin: SessionOrigin(rawValue: row.origin) ?? .native,
            title: try field(.title, of: row.id, at: position),
            customSystemPrompt: row.customSystemPrompt, promptMode: PromptMode(rawValue: row.promptMode) ?? .default,
            browserMode: BrowserMode(rawValue: row.browserMode) ?? .localBrowserService, cdpURL: row.cdpUrl,
            sessionType: SessionType(rawValue: row.sessionType) ?? .main, subagentType: row.subagentType,
            parentSessionID: row.parentSessionId.flatMap(SessionID.init(rawValue:)),
            parentToolCallID: row.parentToolCallId.flatMap(ToolCallID.init(rawValue:)),
            callbacks: try callbacks(of: row.id, at: position), userID: row.userId,
            agentConfig: ProjectionJSON.value(AgentConfig.self, from: row.agentConfig),
            quotas: ProjectionJSON.value(SessionQuotas.self, from: row.quotas),
            userMemory: ProjectionJSON.value(JSONObject.self, from: try field(.userMemory, of: row.id, at: position)),
            metadata: ProjectionJSON.value(JSONObject.self, from: row.metadata), enableMemory: row.enableMemory,
            expiresAt: row.expiresAt.map(Timestamp.date), counters: history.counters,
            firstUserMessage: history.firstUserMessage, isProcessing: processing == "processing.started",
            archivedAt: row.archivedPosition.flatMap { $0 <= position ? row.archivedAt.map(Timestamp.date) : nil },
            terminatedAt: row.terminatedPosition.flatMap {
                $0 <= position ? row.terminatedAt.map(Timestamp.date) : nil
            },
            createdAt: Timestamp.date(row.createdAt), updatedAt: Timestamp.date(updatedAt),
            lastActivityAt: Timestamp.date(lastActivity ?? row.createdAt), version: UInt64(version),
            files: try files(of: row.id, at: position), forkedFrom: try forkOrigin(of: row.id), appName: row.appName,
            state: ProjectionJSON.value(JSONObject.self, from: try field(.state, of: row.id, at: position)) ?? [:])
    }

    /// The snapshot of the current state, straight from the session row.
    func currentSnapshot(_ row: SessionRow) throws -> SessionSnapshot {
        var counters = SessionCounters()
        counters.userMessageCount = row.userMessageCount
        counters.assistantMessageCount = row.assistantMessageCount
        counters.toolCallCount = row.toolCallCount
        counters.promptTokens = row.promptTokens
        counters.completionTokens = row.completionTokens
        counters.cost = row.cost
        counters.messageCount = row.messageCount
        counters.totalMessages = row.totalMessages
        counters.totalToolCalls = row.totalToolCalls
        counters.latencySumMs = row.latencySumMs
        counters.latencySamples = row.latencySamples
        let firstUserMessage = try row.firstUserMessagePosition.flatMap { position in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT headJSON, hasText FROM transcriptMessage WHERE addedPosition = ?"),
                arguments: [position]
            ).flatMap { ExportMessageJSON.fields(head: $0[0], tail: "", hasText: $0[1])?.text }
        }
        return SessionSnapshot(
            id: SessionID(rawValue: row.id)!, namespace: row.namespace,
            origin: SessionOrigin(rawValue: row.origin) ?? .native, title: row.title,
            customSystemPrompt: row.customSystemPrompt, promptMode: PromptMode(rawValue: row.promptMode) ?? .default,
            browserMode: BrowserMode(rawValue: row.browserMode) ?? .localBrowserService, cdpURL: row.cdpUrl,
            sessionType: SessionType(rawValue: row.sessionType) ?? .main, subagentType: row.subagentType,
            parentSessionID: row.parentSessionId.flatMap(SessionID.init(rawValue:)),
            parentToolCallID: row.parentToolCallId.flatMap(ToolCallID.init(rawValue:)),
            callbacks: try callbacks(of: row.id, at: nil), userID: row.userId,
            agentConfig: ProjectionJSON.value(AgentConfig.self, from: row.agentConfig),
            quotas: ProjectionJSON.value(SessionQuotas.self, from: row.quotas),
            userMemory: ProjectionJSON.value(JSONObject.self, from: row.userMemory),
            metadata: ProjectionJSON.value(JSONObject.self, from: row.metadata), enableMemory: row.enableMemory,
            expiresAt: row.expiresAt.map(Timestamp.date), counters: counters, firstUserMessage: firstUserMessage,
            isProcessing: row.isProcessing, archivedAt: row.archivedAt.map(Timestamp.date),
            terminatedAt: row.terminatedAt.map(Timestamp.date), createdAt: Timestamp.date(row.createdAt),
            updatedAt: Timestamp.date(row.updatedAt), lastActivityAt: Timestamp.date(row.lastActivityAt),
            version: UInt64(row.version), files: try files(of: row.id, at: nil), forkedFrom: try forkOrigin(of: row.id),
            appName: row.appName, state: ProjectionJSON.value(JSONObject.self, from: row.state) ?? [:])
    }

    // MARK: - Temporal tables

    /// A changing field's value as of `position`: its latest row at or before it.
    func field(_ field: SessionFieldRow.Field, of id: String, at position: Int64) throws -> String? {
        try String.fetchOne(
                db.cachedStatement(sql: """
                SELECT value FROM sessionField WHERE sessionId = ? AND field = ? AND position <= ?
                ORDER BY position DESC LIMIT 1
                """),
            arguments: [id, field.rawValue, position])
    }

    /// Where the session was forked from (recorded once, at its creation).
    func forkOrigin(of id: String) throws -> ForkOrigin? {
        ProjectionJSON.value(ForkOrigin.self, from: try field(.forkedFrom, of: id, at: Int64.max))
    }

    /// The callbacks in force as of `position` (`nil`: now), in order.
    func callbacks(of id: String, at position: Int64?) throws -> [Callback] {
        let p = position ?? Int64.max
        let rows = try CallbackRow.fetchAll(
                db.cachedStatement(sql: """
                SELECT * FROM callback WHERE sessionId = ? AND addedPosition <= ?
                  AND (removedPosition IS NULL OR removedPosition > ?)
                ORDER BY addedPosition, ordinal
                """),
            arguments: [id, p, p])
        return rows.map { row in
            Callback(
                name: row.name, toolName: row.toolName, type: CallbackType(rawValue: row.type) ?? .bashScript,
                bashCommand: row.bashCommand, bashTimeout: row.bashTimeout, subAgentPrompt: row.subAgentPrompt,
                subAgentType: row.subAgentType, includeFullHistory: row.includeFullHistory,
                messageContent: row.messageContent, excludeFromContext: row.excludeFromContext)
        }
    }

    /// The files attached as of `position` (`nil`: now), in the order added.
    func files(of id: String, at position: Int64?) throws -> [SessionFile] {
        let p = position ?? Int64.max
        let rows = try FileRow.fetchAll(
                db.cachedStatement(sql: """
                SELECT * FROM file WHERE sessionId = ? AND addedPosition <= ?
                  AND (removedPosition IS NULL OR removedPosition > ?)
                ORDER BY addedPosition
                """),
            arguments: [id, p, p])
        return rows.map { row in
            SessionFile(
                added: FileAdded(
                    fileID: FileID(rawValue: row.fileId)!, name: row.name, mediaType: row.mediaType,
                    byteCount: row.byteCount, sha256: row.sha256),
                version: UInt64(row.addedVersion), at: Timestamp.date(row.addedAt))
        }
    }
}
