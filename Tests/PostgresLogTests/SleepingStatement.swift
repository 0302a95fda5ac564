import Logging
@testable import PostgresLog
import TestSupport

/// `SELECT pg_sleep(N)` on a connection leased from a store's read pool: for tests of what waits behind a busy
/// connection, or of how a leased statement ends.
struct SleepingStatement {
    let seconds: Int
    var sql: String { "SELECT pg_sleep(\(seconds))" }

    /// Leases a connection of `log`'s pool and sleeps on it; the task ends with the statement.
    func start(on log: PostgresLogStore) -> Task<Int, any Error> {
        let seconds = String(seconds)
        return Task {
            try await withLease(log.client, timeout: .seconds(20), deadline: .seconds(3600)) { connection in
                try await connection.query("SELECT pg_sleep(\(unescaped: seconds))", logger: Logger(label: "test"))
                return 0
            }
        }
    }

    /// How many of these statements the server at `url` runs now.
    func running(_ url: String) throws -> String {
        try TestPostgres.psql(url, "SELECT count(*) FROM pg_stat_activity WHERE query = '\(sql)'")
    }

    /// Waits (up to 10 s) until the server runs at least one; returns how many it runs.
    func awaitRunning(_ url: String) async throws -> String {
        var running = "0"
        for _ in 0..<200 where running == "0" {
            try await Task.sleep(for: .milliseconds(50))
            running = try self.running(url)
        }
        return running
    }
}
