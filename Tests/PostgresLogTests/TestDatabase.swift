import EventLog
import Foundation
import PostgresLog
import Testing

/// The PostgreSQL server the tests run against (tools/test starts a throwaway one with tools/pg/cluster and names
/// it in SESSIOND_TEST_POSTGRES_URL), and a fresh database on it per test, so tests run in parallel.
enum TestDatabase {
    static let serverURL = ProcessInfo.processInfo.environment["SESSIOND_TEST_POSTGRES_URL"]
    static var isAvailable: Bool { serverURL != nil }

    /// Runs `body` with the URL of a new, empty database, dropped afterwards (with any connection left to it).
    static func with<T>(
        _ body: (String) async throws -> T, isolation: isolated (any Actor)? = #isolation
    ) async throws -> T {
        let server = try #require(serverURL)
        let name = "sessiond_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(server, "CREATE DATABASE \(name)")
        defer { _ = try? psql(server, "DROP DATABASE \(name) WITH (FORCE)") }
        return try await body(url(server, database: name))
    }

    /// `server` with its database replaced by `database`.
    static func url(_ server: String, database: String) throws -> String {
        var components = try #require(URLComponents(string: server))
        components.path = "/" + database
        return try #require(components.string)
    }

    /// Runs one SQL command with psql and returns its unaligned output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
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
        guard process.terminationStatus == 0 else { throw PSQLFailed(sql: sql, output: text) }
        return text
    }

    struct PSQLFailed: Error, CustomStringConvertible {
        let sql: String
        let output: String
        var description: String { "psql failed on \(sql): \(output)" }
    }

    /// A test configuration: durable commits (the server's fsync is on), no dictionary unless asked, fast polling.
    static func configuration(training: EventLog.DictionaryTraining = .disabled) -> PostgresLogStore.Configuration {
        var configuration = PostgresLogStore.Configuration()
        configuration.dictionaryTraining = training
        configuration.pollInterval = .milliseconds(50)
        configuration.connectionTimeout = .seconds(3)
        return configuration
    }

    static func record(_ text: String, id: EventID = .random()) -> ProposedRecord {
        ProposedRecord(
            eventID: id, type: "test.event", metadata: ["request.id": "r-\(text.count)"],
            body: Array("{\"text\":\"\(text)\"}".utf8))
    }

    static func text(of record: LogRecord) -> String {
        let object = try! JSONSerialization.jsonObject(with: Data(record.body)) as! [String: Any]
        return object["text"] as! String
    }
}
