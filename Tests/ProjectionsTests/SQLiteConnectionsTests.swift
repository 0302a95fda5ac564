import Foundation
import GRDB
import GRDBSQLite
@testable import Projections
import Testing
import TestSupport

/// Every SQLite connection of the process is opened through ``SQLiteConnections`` (tests too), so its process-wide
/// options are set before SQLite initializes (decision 0160).
@Suite struct SQLiteConnectionsTests {
    /// Fails when a test that opened a `DatabaseQueue` directly ran first; the next test names it.
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

    /// Reads the repository's Swift files (read-only): none but `SQLiteConnections` opens a connection itself.
    @Test func noOtherFileOpensAConnection() throws {
        let root = Repository.root
        let allowed: Set<String> = ["SQLiteConnections.swift", "SQLiteConnectionsTests.swift"]
        var offenders: [String] = []
        for folder in ["Sources", "Tests"] {
            let files = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let file = files?.nextObject() as? String {
                guard file.hasSuffix(".swift"), !allowed.contains((file as NSString).lastPathComponent) else { continue }
                let text = try String(contentsOf: root.appendingPathComponent(folder + "/" + file), encoding: .utf8)
                for opener in ["DatabaseQueue(", "DatabasePool(", "sqlite3_open"] where text.contains(opener) {
                    offenders.append("\(folder)/\(file): \(opener)")
                }
            }
        }
        #expect(offenders.isEmpty, "open these through SQLiteConnections.queue / .pool: \(offenders)")
    }
}
