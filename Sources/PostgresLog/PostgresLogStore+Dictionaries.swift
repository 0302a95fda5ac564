import EventLog
import NIOCore
import PostgresNIO

extension PostgresLogStore {
    public func storedDictionaries() async throws -> [StoredDictionary] {
        try await leasedRead { connection in
            var found: [StoredDictionary] = []
            for try await (id, bytes) in try await connection.query(
                "SELECT id, bytes FROM sessiond.dictionary ORDER BY id", logger: self.logger
            ).decode((Int32, ByteBuffer).self) {
                found.append(StoredDictionary(id: UInt32(id), bytes: Array(bytes.readableBytesView)))
            }
            return found
        }
    }

    /// Inserts the dictionaries under their own ids and names the last one in the log head, in one transaction
    /// holding the head, which must show an empty log.
    public func importDictionaries(_ moved: [StoredDictionary]) async throws {
        if let refusal = readOnlyRefusal(of: "importing dictionaries") { throw refusal }
        guard let last = moved.last else { return }
        try await withLease(
            client, timeout: configuration.connectionTimeout, deadline: configuration.transactionDeadline
        ) { connection in
            try await self.transaction(on: connection) { connection in
                var end: Int64 = 0
                var count: Int64 = 0
                for try await (found, dictionaries) in try await connection.query(
                    """
                    SELECT end_position, (SELECT count(*) FROM sessiond.dictionary) FROM sessiond.log_head
                    WHERE id = 1 FOR UPDATE
                    """, logger: self.logger
                ).decode((Int64, Int64).self) {
                    (end, count) = (found, dictionaries)
                }
                guard end == 0, count == 0 else {
                    throw EventLogError.notEmpty(
                        reason: "\(self.url.redacted) holds \(end) records and \(count) dictionaries")
                }
                for dictionary in moved {
                    try await connection.query(
                        """
                        INSERT INTO sessiond.dictionary (id, bytes) OVERRIDING SYSTEM VALUE
                        VALUES (\(Int32(dictionary.id)), \(ByteBuffer(bytes: dictionary.bytes)))
                        """, logger: self.logger)
                }
                // The identity continues after the moved ids, so a dictionary trained later gets a new one.
                try await connection.query(
                    "SELECT setval(pg_get_serial_sequence('sessiond.dictionary', 'id'), \(Int64(last.id)))",
                    logger: self.logger)
                try await connection.query(
                    "UPDATE sessiond.log_head SET dictionary_id = \(Int32(last.id)) WHERE id = 1", logger: self.logger)
            }
        }
        for dictionary in moved {
            try dictionaries.install(id: dictionary.id, bytes: dictionary.bytes, activate: dictionary == last)
        }
    }
}
