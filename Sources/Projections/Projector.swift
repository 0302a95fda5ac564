import EventLog
internal import GRDB
import Sessions

/// Applies decoded events to the projection's rows, inside one write transaction.
///
/// It mirrors ``Sessions/SessionState/apply(_:version:recordedAt:)`` row by row: every test compares the two.
/// Session rows are loaded once per batch, updated in memory and written back by ``flush()``; everything
/// else is an insert or a temporal update through cached statements. A projector lives for one transaction
/// and must not outlive it (its cache would be stale after a rollback); a rebuild, the only writer of its
/// file, hands the rows it knows from one transaction to the next (``SessionRowCarry``).
struct Projector {
    private let db: Database
    /// Session rows read or written so far; `nil` marks a session known not to exist.
    private(set) var sessions: [String: SessionRow?]
    /// The `stream` keys of the session ids seen so far (``StreamRow``).
    private(set) var streamKeys: [String: Int64]
    /// Session rows changed since the last ``flush()``.
    private(set) var unwritten: UnwrittenSessions
    /// Tombstones whose rows in ``DeferredDeletes/tables`` wait for the end of a rebuild; `nil` deletes them at once.
    private(set) var deferredDeletes: DeferredDeletes?
    /// In a rebuild, where rewinds find the messages they remove (`transcriptMessageBySession` comes at the end);
    /// `nil` reads them through the index.
    private let liveMessages: LiveMessages?
    /// Statements prepared once per batch, by SQL text (hashing a long SQL string per event costs more than
    /// the dictionary lookup of its identity here).
    private let statements = StatementCache()

    /// A projector for one transaction, knowing `sessions` already: rows as the database holds them, or as an
    /// earlier projector of the same transaction left them with the changes `unwritten` not flushed yet.
    init(
        _ db: Database,
        knownSessions sessions: [String: SessionRow?] = [:],
        knownKeys streamKeys: [String: Int64] = [:],
        unwritten: UnwrittenSessions = UnwrittenSessions(),
        deferredDeletes: DeferredDeletes? = nil,
        liveMessages: LiveMessages? = nil
    ) {
        self.db = db
        self.sessions = sessions
        self.streamKeys = streamKeys
        self.unwritten = unwritten
        self.deferredDeletes = deferredDeletes
        self.liveMessages = liveMessages
    }

    /// Applies one record's event.
    mutating func apply(_ record: DecodedRecord) throws {
        let position = Int64(record.position.rawValue)
        let version = Int64(record.streamVersion)
        let time = record.recordedAtMicros
        let id = record.stream
        let key = try streamKey(id)
        try indexEvent(record, key: key)

        if case .created(let event) = record.event {
            try create(event, id: id, position: position, version: version, time: time)
            return
        }
        guard var row = try session(id) else {
            // A session whose records compaction erased has no row; its tombstone still counts the deletion.
            if case .deleted(let tombstone) = record.event { try countErasedDeletion(in: tombstone.namespace) }
            return
        }
        row.version = version
        row.updatedAt = time
        row.lastPosition = position
        if record.event.isActivity { row.lastActivityAt = time }

        switch record.event {
        case .created: break
        case .titleChanged(let changed):
            row.title = changed.title
            try recordField(.title, of: id, at: position, value: changed.title)
        case .messageAppended(let message):
            let columns = record.columns.message ?? MessageColumns(message, appendedAt: time)
            try appendMessage(message, columns, to: &row, key: key, position: position, version: version, time: time)
        case .toolResultRecorded(let result):
            let columns = record.columns.toolResult ?? ToolResultColumns(result)
            try execute(
                """
                INSERT INTO toolResult (position, sessionKey, toolCallId, messageId, resultLiteral, metadata, isError,
                  screenshotUrls, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ) {
                $0.bind(position)
                $0.bind(key)
                $0.bind(result.toolCallID.rawValue)
                $0.bind(result.messageID.rawValue)
                $0.bind(columns.result)
                $0.bind(result.metadata)
                $0.bind(result.isError)
                $0.bind(columns.screenshotURLs)
                $0.bind(result.finished)
            }
        case .callbackResultRecorded(let result):
            row.cost += result.subagentCost ?? 0
            try execute(
                """
                INSERT INTO callbackResult (position, sessionId, messageId, toolCallId, toolName, callbackName,
                  callbackType, stdout, stderr, exitCode, subagentId, subagentResult, success, error,
                  excludeFromContext, subagentCost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ) {
                $0.bind(position)
                $0.bind(id)
                $0.bind(result.messageID.rawValue)
                $0.bind(result.toolCallID.rawValue)
                $0.bind(result.toolName)
                $0.bind(result.callbackName)
                $0.bind(result.callbackType.rawValue)
                $0.bind(result.stdout)
                $0.bind(result.stderr)
                $0.bind(result.exitCode)
                $0.bind(result.subagentID?.rawValue)
                $0.bind(result.subagentResult)
                $0.bind(result.success)
                $0.bind(result.error)
                $0.bind(result.excludeFromContext)
                $0.bind(result.subagentCost)
            }
        case .callbacksReplaced(let replaced):
            try replaceCallbacks(replaced.callbacks, of: id, at: position)
        case .userMemoryUpdated(let updated):
            let json = ProjectionJSON.text(updated.userMemory)
            row.userMemory = json
            try recordField(.userMemory, of: id, at: position, value: json)
        case .rewound(let rewound):
            try removeMessages(
                rewound.removedMessageIDs, row: &row, key: key, position: position, version: version, time: time)
        case .messagesRemoved(let removed):
            try removeMessages(
                removed.removedMessageIDs, row: &row, key: key, position: position, version: version, time: time)
        case .stateUpdated(let updated):
            try updateState(updated.delta, row: &row, position: position)
        case .processingStarted:
            row.isProcessing = true
        case .processingCancelled, .processingFinished:
            row.isProcessing = false
        case .archived:
            row.archivedAt = time
            row.archivedPosition = position
        case .terminated:
            row.terminatedAt = time
            row.terminatedPosition = position
            row.isProcessing = false
        case .fileAdded(let added):
            try execute(
                """
                INSERT INTO file (sessionId, addedPosition, addedVersion, addedAt, fileId, name, mediaType,
                  byteCount, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ) {
                $0.bind(id)
                $0.bind(position)
                $0.bind(version)
                $0.bind(time)
                $0.bind(added.fileID.rawValue)
                $0.bind(added.name)
                $0.bind(added.mediaType)
                $0.bind(added.byteCount)
                $0.bind(added.sha256)
            }
        case .fileRemoved(let removed):
            try execute(
                "UPDATE file SET removedPosition = ? WHERE sessionId = ? AND fileId = ? AND removedPosition IS NULL"
            ) {
                $0.bind(position)
                $0.bind(id)
                $0.bind(removed.fileID.rawValue)
            }
        case .deleted:
            try delete(id, key: key, namespace: row.namespace, at: position)
            return
        case .erased, .forked:
            break
        }
        sessions[id] = row
        unwritten.touched.insert(id)
    }

    /// Writes every session row the batch changed.
    mutating func flush() throws {
        for id in unwritten.touched {
            guard let row = sessions[id] ?? nil else { continue }
            if unwritten.created.contains(id) {
                var insert = BoundStatement(
                    try statements.statement(named: "sessionInsert", sql: SessionRow.insertSQL, in: db))
                row.bindInsert(to: &insert)
                try insert.run()
            } else {
                var update = BoundStatement(
                    try statements.statement(named: "sessionUpdate", sql: SessionRow.updateSQL, in: db))
                row.bindUpdate(to: &update)
                try update.run()
            }
        }
        unwritten = UnwrittenSessions()
    }

    // MARK: - Events

    private mutating func create(_ event: SessionCreated, id: String, position: Int64, version: Int64, time: Int64)
        throws
    {
        let row = SessionRow(
            id: id, namespace: event.namespace, origin: event.origin.rawValue, title: event.title,
            customSystemPrompt: event.customSystemPrompt, promptMode: event.promptMode.rawValue,
            browserMode: event.browserMode.rawValue, cdpUrl: event.cdpURL, sessionType: event.sessionType.rawValue,
            subagentType: event.subagentType, parentSessionId: event.parentSessionID?.rawValue,
            parentToolCallId: event.parentToolCallID?.rawValue, userId: event.userID,
            agentConfig: ProjectionJSON.text(event.agentConfig), quotas: ProjectionJSON.text(event.quotas),
            userMemory: ProjectionJSON.text(event.userMemory), metadata: ProjectionJSON.text(event.metadata),
            enableMemory: event.enableMemory, expiresAt: event.expiresAt.map(Timestamp.micros),
            createdPosition: position, createdAt: time, updatedAt: time, lastActivityAt: time, version: version,
            lastPosition: position, isProcessing: false, archivedPosition: nil, archivedAt: nil,
            terminatedPosition: nil, terminatedAt: nil, userMessageCount: 0, assistantMessageCount: 0,
            toolCallCount: 0, promptTokens: 0, completionTokens: 0, cost: 0, messageCount: 0, totalMessages: 0,
            totalToolCalls: 0, latencySumMs: 0, latencySamples: 0, firstUserMessagePosition: nil,
            appName: event.appName, state: nil)
        sessions[id] = row
        unwritten.touched.insert(id)
        unwritten.created.insert(id)
        if let title = event.title { try recordField(.title, of: id, at: position, value: title) }
        if let memory = row.userMemory { try recordField(.userMemory, of: id, at: position, value: memory) }
        if let origin = event.forkedFrom {
            try recordField(.forkedFrom, of: id, at: position, value: ProjectionJSON.text(origin))
        }
        try insertCallbacks(event.callbacks, of: id, at: position)
        try execute(
            """
            INSERT INTO namespace (name, sessionCount, deletedCount) VALUES (?, 1, 0)
            ON CONFLICT(name) DO UPDATE SET sessionCount = sessionCount + 1
            """
        ) {
            $0.bind(event.namespace)
        }
    }

    private func appendMessage(
        _ message: MessageAppended,
        _ columns: MessageColumns,
        to row: inout SessionRow,
        key: Int64,
        position: Int64,
        version: Int64,
        time: Int64
    ) throws {
        try execute(
            """
            INSERT INTO transcriptMessage (addedPosition, sessionKey, addedVersion, addedAt, messageId, role, hasText,
              inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, cost, latencyMs, metadata,
              toolCallCount, item, headJSON, tailJSON)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ) {
            $0.bind(position)
            $0.bind(key)
            $0.bind(version)
            $0.bind(time)
            $0.bind(message.messageID.rawValue)
            $0.bind(message.role.rawValue)
            $0.bind(message.text != nil)
            $0.bind(message.inputTokens)
            $0.bind(message.outputTokens)
            $0.bind(message.cacheCreationTokens)
            $0.bind(message.cacheReadTokens)
            $0.bind(message.cost)
            $0.bind(message.latencyMs)
            $0.bind(columns.metadata)
            $0.bind(message.toolCalls.count)
            $0.bind(columns.item)
            $0.bind(columns.head)
            $0.bind(columns.tail)
        }
        for (index, call) in message.toolCalls.enumerated() {
            try execute(
                """
                INSERT INTO toolCall (sessionKey, messagePosition, callIndex, toolCallId, type, headJSON)
                VALUES (?, ?, ?, ?, ?, ?)
                """
            ) {
                $0.bind(key)
                $0.bind(position)
                $0.bind(index)
                $0.bind(call.id.rawValue)
                $0.bind(call.type)
                $0.bind(columns.callHeads[index])
            }
        }
        liveMessages?.append(message.messageID, role: message.role, at: position, to: row.id)
        row.messageCount += 1
        row.totalMessages += 1
        countLive(message.role, in: &row, by: 1)
        if message.role == .user, row.firstUserMessagePosition == nil { row.firstUserMessagePosition = position }
        row.promptTokens = SessionCounters.adding(
            SessionCounters.promptTokens(input: message.inputTokens, cacheCreation: message.cacheCreationTokens),
            to: row.promptTokens)
        row.completionTokens = SessionCounters.adding(
            SessionCounters.completionTokens(output: message.outputTokens, cacheRead: message.cacheReadTokens),
            to: row.completionTokens)
        row.cost += message.cost ?? 0
        row.totalToolCalls += message.toolCalls.count
        if let latency = message.latencyMs {
            row.latencySumMs += latency
            row.latencySamples += 1
        }
    }

    /// A rewind or a framework's pop / clear: the messages get their removed position, counts drop.
    private func removeMessages(
        _ removedIDs: [MessageID],
        row: inout SessionRow,
        key: Int64,
        position: Int64,
        version: Int64,
        time: Int64
    ) throws {
        guard !removedIDs.isEmpty else { return }
        if let liveMessages {
            try removeLiveMessages(
                Set(removedIDs.map { Array($0.rawValue.utf8) }), in: liveMessages, row: &row, position: position,
                version: version, time: time)
            return
        }
        let ids = ProjectionJSON.stringArray(removedIDs.map(\.rawValue))
        let statement = try db.cachedStatement(
            sql: """
                UPDATE transcriptMessage SET removedPosition = ?, removedVersion = ?, removedAt = ?
                WHERE sessionKey = ? AND removedPosition IS NULL
                  AND messageId IN (SELECT value FROM json_each(?))
                RETURNING role, addedPosition
                """)
        statement.setUncheckedArguments([position, version, time, key, ids])
        var removedFirstUser = false
        let cursor = try Row.fetchCursor(statement)
        while let removed = try cursor.next() {
            let role: String = removed[0]
            let added: Int64 = removed[1]
            row.messageCount -= 1
            if let role = MessageRole(rawValue: role) { countLive(role, in: &row, by: -1) }
            if added == row.firstUserMessagePosition { removedFirstUser = true }
        }
        if removedFirstUser {
            row.firstUserMessagePosition = try Int64.fetchOne(
                db,
                sql: """
                    SELECT addedPosition FROM transcriptMessage
                    WHERE sessionKey = ? AND role = 'user' AND removedPosition IS NULL
                    ORDER BY addedPosition LIMIT 1
                    """,
                arguments: [key])
        }
    }

    /// ``removeMessages(_:row:key:position:version:time:)`` in a rebuild: the same rows, found in `liveMessages`
    /// and updated by position. `ids` are UTF-8 bytes, compared as the SQL path's `messageId IN (…)` compares.
    private func removeLiveMessages(
        _ ids: Set<[UInt8]>,
        in liveMessages: LiveMessages,
        row: inout SessionRow,
        position: Int64,
        version: Int64,
        time: Int64
    ) throws {
        let removed = try liveMessages.remove(ids, of: row.id) { added in
            var found = false
            var select = BoundStatement(
                try statements.statement("SELECT messageId FROM transcriptMessage WHERE addedPosition = ?", in: db))
            select.bind(added)
            try select.forEachRow { found = ids.contains(Array($0.bytes(0))) }
            return found
        }
        var removedFirstUser = false
        for message in removed {
            try execute(
                """
                UPDATE transcriptMessage SET removedPosition = ?, removedVersion = ?, removedAt = ?
                WHERE addedPosition = ?
                """
            ) {
                $0.bind(position)
                $0.bind(version)
                $0.bind(time)
                $0.bind(message.position)
            }
            row.messageCount -= 1
            countLive(message.role, in: &row, by: -1)
            if message.position == row.firstUserMessagePosition { removedFirstUser = true }
        }
        if removedFirstUser { row.firstUserMessagePosition = liveMessages.firstUserMessage(of: row.id) }
    }

    /// The session's own keys go to its row (and their history to `sessionField`); `app:` and `user:` keys
    /// to `sharedState` (one row per key and setting session), for every session of the app (and user).
    private func updateState(_ delta: JSONObject, row: inout SessionRow, position: Int64) throws {
        var own = ProjectionJSON.value(JSONObject.self, from: row.state) ?? [:]
        var ownChanged = false
        for (key, value) in delta {
            let owner: String
            switch StateScope(key: key) {
            case .session:
                own[key] = value
                ownChanged = true
                continue
            case .temp: continue
            case .app: owner = ""
            case .user: owner = row.userId ?? ""
            }
            try execute(
                """
                INSERT INTO sharedState (namespace, appName, userId, key, sessionId, value, position)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (namespace, appName, userId, key, sessionId) DO UPDATE SET value = excluded.value,
                  position = excluded.position
                """
            ) {
                $0.bind(row.namespace)
                $0.bind(row.appName ?? "")
                $0.bind(owner)
                $0.bind(key)
                $0.bind(row.id)
                $0.bind(ProjectionJSON.text(value) ?? "null")
                $0.bind(position)
            }
        }
        guard ownChanged else { return }
        row.state = ProjectionJSON.text(own)
        try recordField(.state, of: row.id, at: position, value: row.state)
    }

    private func replaceCallbacks(_ callbacks: [Callback], of id: String, at position: Int64) throws {
        try execute(
            "UPDATE callback SET removedPosition = ? WHERE sessionId = ? AND removedPosition IS NULL"
        ) {
            $0.bind(position)
            $0.bind(id)
        }
        try insertCallbacks(callbacks, of: id, at: position)
    }

    private func insertCallbacks(_ callbacks: [Callback], of id: String, at position: Int64) throws {
        for (ordinal, callback) in callbacks.enumerated() {
            try execute(
                """
                INSERT INTO callback (sessionId, addedPosition, ordinal, name, toolName, type, bashCommand,
                  bashTimeout, subAgentPrompt, subAgentType, includeFullHistory, messageContent, excludeFromContext)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ) {
                $0.bind(id)
                $0.bind(position)
                $0.bind(ordinal)
                $0.bind(callback.name)
                $0.bind(callback.toolName)
                $0.bind(callback.type.rawValue)
                $0.bind(callback.bashCommand)
                $0.bind(callback.bashTimeout)
                $0.bind(callback.subAgentPrompt)
                $0.bind(callback.subAgentType)
                $0.bind(callback.includeFullHistory)
                $0.bind(callback.messageContent)
                $0.bind(callback.excludeFromContext)
            }
        }
    }

    /// The tombstone: every row of the session goes, at once (in a rebuild, those of ``DeferredDeletes/tables``
    /// at its end); its event index (no bodies) stays for audit.
    private mutating func delete(_ id: String, key: Int64, namespace: String, at position: Int64) throws {
        deferredDeletes?.append(sessionKey: key, position: position)
        liveMessages?.removeSession(id)
        for table in [
            TranscriptMessageRow.databaseTableName, ToolResultRow.databaseTableName, ToolCallRow.databaseTableName,
        ] where deferredDeletes?.defers(table) != true {
            try db.execute(sql: "DELETE FROM \(table) WHERE sessionKey = ?", arguments: [key])
        }
        for table in [
            CallbackResultRow.databaseTableName, CallbackRow.databaseTableName, FileRow.databaseTableName,
            SessionFieldRow.databaseTableName,
        ] {
            try db.execute(sql: "DELETE FROM \(table) WHERE sessionId = ?", arguments: [id])
        }
        try execute("DELETE FROM session WHERE id = ?") {
            $0.bind(id)
        }
        try execute(
            "UPDATE namespace SET sessionCount = sessionCount - 1, deletedCount = deletedCount + 1 WHERE name = ?"
        ) {
            $0.bind(namespace)
        }
        sessions[id] = .some(nil)
        unwritten.touched.remove(id)
        unwritten.created.remove(id)
    }

    /// The tombstone of a session whose creation compaction erased: the live projection counted the session
    /// when it was created and moved it to `deletedCount` at the tombstone; a rebuild sees only the tombstone.
    private func countErasedDeletion(in namespace: String) throws {
        try execute(
            """
            INSERT INTO namespace (name, sessionCount, deletedCount) VALUES (?, 0, 1)
            ON CONFLICT(name) DO UPDATE SET deletedCount = deletedCount + 1
            """
        ) {
            $0.bind(namespace)
        }
    }

    // MARK: - Helpers

    private mutating func session(_ id: String) throws -> SessionRow? {
        if let cached = sessions[id] { return cached }
        var select = BoundStatement(try statements.statement(named: "sessionSelect", sql: SessionRow.selectSQL, in: db))
        select.bind(id)
        var row: SessionRow?
        try select.forEachRow { row = SessionRow(reading: $0) }
        sessions[id] = .some(row)
        return row
    }

    /// The key of `id` in `stream`, given now if the id is new (``StreamRow``).
    private mutating func streamKey(_ id: String) throws -> Int64 {
        if let key = streamKeys[id] { return key }
        var select = BoundStatement(try statements.statement("SELECT key FROM stream WHERE id = ?", in: db))
        select.bind(id)
        var found: Int64?
        try select.forEachRow { found = $0.int64(0) }
        let key: Int64
        if let found {
            key = found
        } else {
            try execute("INSERT INTO stream (id) VALUES (?)") { $0.bind(id) }
            key = db.lastInsertedRowID
        }
        streamKeys[id] = key
        return key
    }

    private func indexEvent(_ record: DecodedRecord, key: Int64) throws {
        try execute(
            """
            INSERT INTO eventIndex (sessionKey, version, position, recordedAt, type, eventId, actor, requestId,
              isActivity, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ) {
            $0.bind(key)
            $0.bind(Int64(record.streamVersion))
            $0.bind(Int64(record.position.rawValue))
            $0.bind(record.recordedAtMicros)
            $0.bind(record.type)
            $0.bind(record.eventID)
            $0.bind(record.columns.actor)
            $0.bind(record.columns.requestID)
            $0.bind(record.event.isActivity)
            $0.bind(record.columns.summary)
        }
    }

    private func recordField(_ field: SessionFieldRow.Field, of id: String, at position: Int64, value: String?)
        throws
    {
        try execute("INSERT INTO sessionField (sessionId, field, position, value) VALUES (?, ?, ?, ?)") {
            $0.bind(id)
            $0.bind(field.rawValue)
            $0.bind(position)
            $0.bind(value)
        }
    }

    private func countLive(_ role: MessageRole, in row: inout SessionRow, by delta: Int) {
        switch role {
        case .user: row.userMessageCount += delta
        case .assistant: row.assistantMessageCount += delta
        case .tool: row.toolCallCount += delta
        }
    }

    /// Runs one of the projector's statements with the values `bind` binds, in parameter order.
    private func execute(_ sql: StaticString, _ bind: (inout BoundStatement) -> Void) throws {
        var statement = BoundStatement(try statements.statement(sql, in: db))
        bind(&statement)
        try statement.run()
    }
}

/// Sessions whose row a projector changed but has not written yet.
struct UnwrittenSessions: Sendable {
    /// Rows to write at the next flush.
    var touched: Set<String> = []
    /// Those of them that are new (inserted, not updated).
    var created: Set<String> = []
}

/// The statements of one projector, keyed by the address of their static SQL text.
private final class StatementCache {
    private var statements: [UnsafeRawPointer: Statement] = [:]
    private var named: [String: Statement] = [:]

    func statement(named name: String, sql: String, in db: Database) throws -> Statement {
        if let statement = named[name] { return statement }
        let statement = try db.cachedStatement(sql: sql)
        named[name] = statement
        return statement
    }

    func statement(_ sql: StaticString, in db: Database) throws -> Statement {
        if let statement = statements[UnsafeRawPointer(sql.utf8Start)] { return statement }
        let statement = try db.cachedStatement(sql: sql.description)
        statements[UnsafeRawPointer(sql.utf8Start)] = statement
        return statement
    }
}
