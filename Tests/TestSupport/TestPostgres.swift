import Foundation

/// The PostgreSQL server tests run against — tools/test starts a throwaway one (tools/pg/cluster) and names it in
/// `SESSIOND_TEST_POSTGRES_URL` — and a fresh database on it per test, so tests run in parallel.
public enum TestPostgres {
    /// The server's URL, when one was given.
    public static let serverURL = ProcessInfo.processInfo.environment["SESSIOND_TEST_POSTGRES_URL"]
    /// Whether a server was given (suites that need one are enabled on this).
    public static var isAvailable: Bool { serverURL != nil }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `body` with the URL of a new, empty database, dropped afterwards (with any connection left to it).
    public static func withDatabase<T>(
        _ body: (String) async throws -> T, isolation: isolated (any Actor)? = #isolation
    ) async throws -> T {
        guard let server = serverURL else { throw Failure(description: "SESSIOND_TEST_POSTGRES_URL is not set") }
        let name = "sessiond_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(server, "CREATE DATABASE \(name)")
        defer { _ = try? psql(server, "DROP DATABASE \(name) WITH (FORCE)") }
        guard var components = URLComponents(string: server) else { throw Failure(description: "bad URL \(server)") }
        components.path = "/" + name
        return try await body(components.string ?? server)
    }

    /// Runs one SQL command with psql and returns its unaligned, tuples-only output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else { throw Failure(description: "psql failed on \(sql): \(text)") }
        return text
    }
}
