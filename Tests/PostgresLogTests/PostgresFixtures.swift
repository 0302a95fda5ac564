import EventLog
import Foundation
import PostgresLog
import TestSupport

/// Builders shared by the PostgreSQL store suites; the server and a database per test come from `TestPostgres`.
enum PostgresFixtures {
    /// A test configuration: durable commits (the server's fsync is on), no dictionary unless asked, fast polling.
    static func configuration(training: EventLog.DictionaryTraining = .disabled) -> PostgresLogStore.Configuration {
        var configuration = PostgresLogStore.Configuration()
        configuration.dictionaryTraining = training
        configuration.pollInterval = .milliseconds(50)
        // Generous: under a full parallel test run a new connection can take seconds on two cores.
        configuration.connectionTimeout = .seconds(20)
        return configuration
    }

    static func record(_ text: String, id: EventID = .random()) -> ProposedRecord {
        ProposedRecord(
            eventID: id, type: "test.event", metadata: ["request.id": "r-\(text.count)"],
            body: Array("{\"text\":\"\(text)\"}".utf8))
    }

    /// How many frames of the database at `url` do not chain to the frame before them (0 for a sound log).
    static func chainBreaks(_ url: String) throws -> String {
        try TestPostgres.psql(
            url,
            """
            SELECT count(*) FROM (SELECT previous_checksum, lag(checksum) OVER (ORDER BY first_position) AS prior
            FROM sessiond.frame) f WHERE prior IS NOT NULL AND prior <> previous_checksum
            """)
    }

    /// The stream versions `records` hold for `stream`, in log order.
    static func versions(of stream: String, in records: [LogRecord]) -> [UInt64] {
        records.filter { $0.stream == stream }.map(\.streamVersion)
    }

    static func text(of record: LogRecord) -> String {
        let object = try! JSONSerialization.jsonObject(with: Data(record.body)) as! [String: Any]
        return object["text"] as! String
    }
}
