import EventLog
import Foundation
internal import GRDB
import Sessions

extension ProjectionStore {
    /// The session at a point of its history; `nil` when it does not exist there (unknown, not yet created,
    /// or deleted — a deleted session is gone from every read, past points included).
    /// - Parameters:
    ///   - id: The session.
    ///   - asOf: ``AsOf/latest``, or a position, version or time.
    public func session(_ id: SessionID, at asOf: AsOf = .latest) async throws -> SessionSnapshot? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            return try reader.snapshot(row, at: position)
        }
    }

    /// The session's transcript at a point of its history, tool calls joined to their results as of then.
    /// - Parameters:
    ///   - id: The session.
    ///   - asOf: The point.
    ///   - includeRemoved: Whether messages a rewind had removed by then are included (flagged with
    ///     ``Sessions/TranscriptMessage/removedVersion``), for audit; by default only live messages.
    /// - Returns: The messages in order; `nil` when the session does not exist at that point.
    public func transcript(
        _ id: SessionID,
        at asOf: AsOf = .latest,
        includeRemoved: Bool = false
    ) async throws -> [TranscriptMessage]? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            let messages = try reader.history(of: row.id, upTo: position).messages
            return includeRemoved ? messages : messages.filter { !$0.isRemoved }
        }
    }

    /// A page of the session's transcript at a point for an audit: every message appended by then, with
    /// the positions that added and (at any time) removed it.
    /// - Parameters:
    ///   - id: The session.
    ///   - asOf: The point.
    ///   - after: Only messages added after this log position (paging by position).
    ///   - limit: At most this many messages.
    /// - Returns: The page; `nil` when the session does not exist at that point.
    public func auditedTranscript(
        _ id: SessionID,
        at asOf: AsOf = .latest,
        after: LogPosition = LogPosition(0),
        limit: Int = .max
    ) async throws -> AuditedTranscript? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            let history = try reader.history(of: row.id, upTo: position)
            var page: [AuditedMessage] = []
            for (message, place) in zip(history.messages, history.places)
            where place.added > Int64(after.rawValue) && page.count < limit {
                page.append(
                    AuditedMessage(
                        message: message, addedPosition: LogPosition(UInt64(place.added)),
                        removedPosition: place.removed.map { LogPosition(UInt64($0)) }))
            }
            return AuditedTranscript(
                messages: page, total: history.messages.count, position: LogPosition(UInt64(position)),
                stats: TranscriptStats(history.messages, cost: history.counters.cost))
        }
    }

    /// The session's export at a point of its history: an index range scan, however long the session.
    /// - Returns: The export; `nil` when the session does not exist at that point.
    public func export(_ id: SessionID, at asOf: AsOf = .latest) async throws -> SessionExport? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            let history = try reader.history(of: row.id, upTo: position)
            var session = try reader.snapshot(row, at: position, history: history)
            session.counters = history.counters
            session.firstUserMessage = history.firstUserMessage
            return SessionExport(session: session, messages: history.messages.filter { !$0.isRemoved })
        }
    }

    /// The session's JSON export at a point of its history (the bytes of ``SessionExport/json()``), copied
    /// from the export members the projector stored: an index range scan and no rendering, however long the
    /// session. The export as of the session's last position is kept in memory until the session changes
    /// (``Configuration/exportCacheBytes``), so loading an unchanged transcript again renders nothing.
    /// - Returns: The JSON; `nil` when the session does not exist at that point.
    public func exportJSON(_ id: SessionID, at asOf: AsOf = .latest) async throws -> [UInt8]? {
        // Before the read: a batch or an erasure committed after it began refuses the keep below.
        let ticket = exports.ticket(for: id.rawValue)
        return try await read { [exports] db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id) else {
                exports.drop(CollectionOfOne(id.rawValue))
                return nil
            }
            guard let position = try reader.position(of: row, at: asOf) else { return nil }
            // Only the export as of the session's last position is kept: the one read again and again.
            guard position == row.lastPosition else { return try reader.exportJSON(of: row, at: position) }
            if let kept = exports.json(of: id.rawValue, at: position) { return kept }
            let json = try reader.exportJSON(of: row, at: position)
            exports.keep(json, of: id.rawValue, at: position, version: row.version, ticket: ticket)
            return json
        }
    }

    /// The JSON export of session `id` at its latest version when that version is `version` and the export is
    /// kept (``exportJSON(_:at:)`` loaded it since the session last changed); `nil` otherwise. Reads nothing:
    /// for a caller that already holds the session's latest version (the HTTP layer's cached session).
    public func keptExportJSON(_ id: SessionID, version: UInt64) -> [UInt8]? {
        exports.json(of: id.rawValue, version: Int64(version))
    }

    /// ``exportJSON(_:at:)`` split into chunks as `rendering` says (the tests split short exports too).
    func exportJSON(_ id: SessionID, at asOf: AsOf, rendering: ExportRendering) async throws -> [UInt8]? {
        try await read { db in
            let reader = SessionReader(db: db)
            guard let row = try reader.row(id), let position = try reader.position(of: row, at: asOf) else {
                return nil
            }
            return try reader.exportJSON(of: row, at: position, rendering: rendering)
        }
    }

    /// The session's audit history, oldest first: every event the log holds for it, including the tombstone
    /// of a deleted session; only those after `position` when given.
    /// - Parameters:
    ///   - id: The session.
    ///   - position: Only the events after this log position.
    ///   - currentIncarnation: Only the events of the session that exists now, from its `session.created` on: not
    ///     those of an earlier session of the same id, deleted before the id was created again (decision 0177).
    ///     Nothing when no session of that id exists now.
    public func events(
        _ id: SessionID, after position: LogPosition = LogPosition(0), currentIncarnation: Bool = false
    ) async throws -> [AuditEvent] {
        try await read { db in
            var sql = "SELECT * FROM eventIndex WHERE sessionKey = (SELECT key FROM stream WHERE id = ?) AND position > ?"
            var arguments: StatementArguments = [id.rawValue, Int64(position.rawValue)]
            if currentIncarnation {
                sql += " AND position >= (SELECT createdPosition FROM session WHERE id = ?)"
                arguments += [id.rawValue]
            }
            let rows = try EventIndexRow.fetchAll(db.cachedStatement(sql: sql + " ORDER BY version"), arguments: arguments)
            return rows.map { row in
                AuditEvent(
                    position: LogPosition(UInt64(row.position)), version: UInt64(row.version),
                    recordedAt: Timestamp.date(row.recordedAt), type: row.type,
                    eventID: EventID(blob: row.eventId)?.canonicalText ?? "",
                    actor: row.actor, requestID: row.requestId, summary: row.summary)
            }
        }
    }

    /// Sessions that exist, filtered and ordered by `query` (newest first by default); status is derived at
    /// the store's clock.
    public func sessions(_ query: SessionQuery = SessionQuery()) async throws -> [SessionSnapshot] {
        let sql = SessionSQL(
            now: Timestamp.micros(configuration.clock()), idle: Int64(configuration.idleTimeout * 1_000_000))
        return try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let namespace = query.namespace {
                conditions.append("namespace = ?")
                arguments += [namespace]
            }
            if !query.includeSubagents { conditions.append("sessionType <> 'subagent'") }
            if let appName = query.appName {
                conditions.append("appName = ?")
                arguments += [appName]
            }
            if let userID = query.userID {
                conditions.append("userId = ?")
                arguments += [userID]
            }
            if let status = query.status {
                conditions.append("\(sql.status) = ?")
                arguments += [status.rawValue]
            }
            if let isProcessing = query.isProcessing { conditions.append(isProcessing ? "isProcessing" : "NOT isProcessing") }
            if let search = query.search?.lowercased(), !search.isEmpty {
                conditions.append(
                    "(instr(lower(coalesce(title, '')), ?) > 0 OR instr(lower(id), ?) > 0"
                        + " OR instr(lower(coalesce(userId, '')), ?) > 0)")
                arguments += [search, search, search]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit ?? -1, query.offset]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SessionRow.columnNames.joined(separator: ", ")) FROM session \(filter)
                    ORDER BY \(query.order.sql) LIMIT ? OFFSET ?
                    """,
                arguments: arguments)
            let reader = SessionReader(db: db)
            return try rows.map { try reader.currentSnapshot(SessionRow(reading: $0)) }
        }
    }

    /// The status of a snapshot at the store's clock and idle timeout.
    public func status(of session: SessionSnapshot) -> SessionStatus {
        session.status(now: configuration.clock(), idleTimeout: configuration.idleTimeout)
    }

    /// The status of a snapshot read as of `asOf`, at the point rather than at the store's clock, so a point where
    /// the session was active does not read as expired or idle since: at an ``AsOf/time(_:)`` point, at its time
    /// (the clock's, when that is earlier); at a position, version or message, just after the point's last event
    /// (``SessionSnapshot/updatedAt``); at ``AsOf/latest``, as ``status(of:)``.
    public func status(of session: SessionSnapshot, at asOf: AsOf) -> SessionStatus {
        let now = configuration.clock()
        let time: Date =
            switch asOf {
            case .latest: now
            case .time(let date): min(date, now)
            case .position, .version, .message: min(session.updatedAt, now)
            }
        return session.status(now: time, idleTimeout: configuration.idleTimeout)
    }

    /// Totals over existing sessions, of one namespace or all.
    public func stats(namespace: String? = nil) async throws -> ProjectionStats {
        try await read { db in
            let filter = namespace == nil ? "" : "WHERE namespace = ?"
            let arguments: StatementArguments = namespace.map { [$0] } ?? []
            let row = try Row.fetchOne(
                db, sql: """
                    SELECT count(*), coalesce(sum(messageCount), 0), coalesce(sum(totalMessages), 0),
                      coalesce(sum(promptTokens + completionTokens), 0), coalesce(sum(totalToolCalls), 0),
                      coalesce(sum(cost), 0.0), coalesce(sum(latencySumMs), 0.0), coalesce(sum(latencySamples), 0)
                    FROM session \(filter)
                    """,
                arguments: arguments)!
            let deleted = try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(deletedCount), 0) FROM namespace \(namespace == nil ? "" : "WHERE name = ?")",
                arguments: arguments) ?? 0
            let samples: Int = row[7]
            let latency: Double = row[6]
            return ProjectionStats(
                sessions: row[0], deletedSessions: deleted, messages: row[1], totalMessages: row[2],
                totalTokens: row[3], totalToolCalls: row[4], cost: row[5],
                averageLatencyMs: samples == 0 ? 0 : latency / Double(samples))
        }
    }

    /// The query plan SQLite chooses for the as-of transcript scan, one line per step (for tests and
    /// `sessiond verify`).
    package func transcriptQueryPlan() async throws -> [String] {
        try await queryPlan(SessionReader.transcriptSQL, arguments: ["s", 1])
    }

    /// The query plan SQLite chooses for a page of Mix's message history, one line per step (for tests).
    package func userMessagesQueryPlan(namespace: String?) async throws -> [String] {
        try await queryPlan(SessionReader.userMessagesSQL, arguments: [namespace, 50, 0])
    }

    private func queryPlan(_ sql: String, arguments: StatementArguments) async throws -> [String] {
        try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }
}

extension ProjectionStore {
    /// The live user messages of every existing session (of `namespace` when given), newest first — a page of
    /// them, read in one query: Mix's message history across sessions. Ties in time go to the later append.
    /// - Returns: Each message with its session's id.
    public func userMessages(namespace: String?, limit: Int, offset: Int) async throws
        -> [(message: TranscriptMessage, session: SessionID)]
    {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: SessionReader.userMessagesSQL, arguments: [namespace, limit, offset])
            return rows.map { row in
                (SessionReader.message(row, toolCalls: []), SessionID(rawValue: row[20])!)
            }
        }
    }
}
