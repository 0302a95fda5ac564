import EventLog
import Foundation
import PostgresLog

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

    static func text(of record: LogRecord) -> String {
        let object = try! JSONSerialization.jsonObject(with: Data(record.body)) as! [String: Any]
        return object["text"] as! String
    }
}
