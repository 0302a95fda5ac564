import PostgresNIO

extension PostgresLogStore {
    /// Rewrites `tables` into new files (`VACUUM FULL`), so no old version of a row a transaction rewrote or
    /// deleted stays in their pages, then clears `mark`: the shared document that transaction wrote (committed
    /// with it) so that a rewrite whose `VACUUM FULL` never ran — failed, cancelled, the node killed — is finished
    /// by the next one, on any node. Only a mark set before this `VACUUM` started is cleared: one set since names
    /// rows it may not have seen gone.
    ///
    /// - Parameter xid: The rewriting transaction, when this node ran it: the `VACUUM` waits for older snapshots
    ///   first (``waitForOlderSnapshots(than:on:)``).
    func vacuumFull(_ tables: [String], clearing mark: String, after xid: Int64?, on connection: PostgresConnection)
        async throws
    {
        try await waitForOlderSnapshots(than: xid, on: connection)
        try await connection.query(
            "SELECT set_config('sessiond.vacuum_started', clock_timestamp()::text, false)", logger: logger)
        for table in tables {
            try await connection.query("VACUUM (FULL) \(unescaped: table)", logger: logger)
        }
        try await connection.query(
            """
            DELETE FROM sessiond.shared_document WHERE name = \(mark)
            AND updated_at < current_setting('sessiond.vacuum_started')::timestamptz
            """, logger: logger)
    }
}
