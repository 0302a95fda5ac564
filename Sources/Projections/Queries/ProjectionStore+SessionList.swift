internal import GRDB
import Sessions

extension ProjectionStore {
    /// A page of one namespace's sessions, filtered, sorted and paged in SQL.
    ///
    /// Sorted by creation time (the default) a page is an index range seek on `(namespace, createdPosition)`,
    /// so the page after a cursor costs the same deep in the list as at its start; other sorts order the
    /// namespace's matching rows in SQLite. A page after a cursor neither skips nor repeats a session when
    /// others are created meanwhile. Status is derived at the store's clock.
    /// - Parameter query: The namespace, conditions, order and page.
    /// - Returns: The sessions, the cursor of the next page, and the total when asked.
    public func sessionList(_ query: SessionListQuery) async throws -> SessionListPage {
        let statements = listStatements(query)
        return try await read { db in
            let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: statements.page))
            let reader = SessionReader(db: db)
            let pageRows = rows.prefix(query.limit)
            let sessions = try pageRows.map { try reader.currentSnapshot(SessionRow(reading: $0)) }
            var next: SessionListCursor?
            if rows.count > query.limit, let last = pageRows.last {
                next = SessionListCursor(
                    key: SessionListCursor.Key(last[SessionRow.columnNames.count] as DatabaseValue),
                    createdPosition: last["createdPosition"], offset: statements.skipped + sessions.count)
            }
            let total = try query.includeTotal ? Int.fetchOne(db, SQLRequest<Int>(literal: statements.count)) : nil
            return SessionListPage(sessions: sessions, offset: statements.skipped, next: next, total: total)
        }
    }

    /// The query plan SQLite chooses for a list page, one line per step (for tests).
    package func sessionListQueryPlan(_ query: SessionListQuery) async throws -> [String] {
        let plan: SQL = "EXPLAIN QUERY PLAN \(listStatements(query).page)"
        return try await read { db in
            try Row.fetchAll(db, SQLRequest<Row>(literal: plan)).map { $0["detail"] as String }
        }
    }

    /// The page's SELECT (its last column the sort value), the COUNT of every match, and how many matches
    /// precede the page.
    private func listStatements(_ query: SessionListQuery) -> (page: SQL, count: SQL, skipped: Int) {
        let sql = SessionSQL(
            now: Timestamp.micros(configuration.clock()), idle: Int64(configuration.idleTimeout * 1_000_000))
        var matches: SQL = "namespace = \(query.namespace)"
        if let status = query.status { matches += " AND \(sql: sql.status) = \(status.rawValue)" }
        if let filter = query.filter { matches += " AND \(sql.predicate(filter))" }
        var conditions = matches
        let skipped: Int
        let offset: Int
        switch query.start {
        case .offset(let count):
            skipped = count
            offset = count
        case .after(let cursor):
            skipped = cursor.offset
            offset = 0
            conditions += " AND \(sql.seek(after: cursor, query.sort))"
        }
        let columns = SessionRow.columnNames.joined(separator: ", ") + ", " + (sql.sortKey(query.sort) ?? "createdPosition")
        let page: SQL = """
            SELECT \(sql: columns) FROM session WHERE \(conditions) \
            ORDER BY \(sql: sql.ordering(query.sort)) LIMIT \(query.limit + 1) OFFSET \(offset)
            """
        return (page, "SELECT count(*) FROM session WHERE \(matches)", skipped)
    }
}
