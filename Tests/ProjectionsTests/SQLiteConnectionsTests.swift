import GRDB
import GRDBSQLite
@testable import Projections
import Testing
import TestSupport

/// Every SQLite connection of the process is opened through ``SQLiteConnections`` (tests too), so its process-wide
/// options are set before SQLite initializes. A test that opens a `DatabaseQueue` directly and runs first makes
/// these fail: open it through `SQLiteConnections.queue` instead.
@Suite struct SQLiteConnectionsTests {
    @Test func sqliteKeepsNoMemoryStatistics() async throws {
        try await withTemporaryDirectory { dir in
            let queue = try SQLiteConnections.queue(dir + "/options.sqlite")
            defer { try? queue.close() }
            #expect(SQLiteConnections.processOptions == SQLITE_OK)
            try await queue.write { db in
                try db.execute(sql: "CREATE TABLE t (x TEXT); INSERT INTO t VALUES (zeroblob(100000))")
            }
            #expect(sqlite3_memory_used() == 0)
        }
    }
}
