import EventLog
import PostgresNIO

extension PostgresLogStore {
    /// Writes the moved records in one transaction holding the head, after checking they continue the log.
    public func appendMoved(_ records: [LogRecord]) async throws {
        guard !records.isEmpty else { return }
        let end: UInt64
        do {
            end = try await withLease(
                client, timeout: configuration.connectionTimeout, deadline: configuration.transactionDeadline
            ) { connection in
            try await self.transaction(on: connection) { connection in
                let head = try await self.lockHead(on: connection)
                let versions = try await self.streamVersions(Array(Set(records.map(\.stream))), on: connection)
                if let reason = MovedRecords.discontinuity(
                    records, end: head.end, lastRecordedAt: head.lastRecordedAt, version: { versions[$0] ?? 0 })
                {
                    throw EventLogError.invalidAppend(reason: reason)
                }
                _ = try await self.insert(records, after: head, on: connection)
                return records.last!.position.rawValue
            }
            }
        } catch let error where PostgresFailure.sqlState(of: error) == PostgresFailure.uniqueViolation {
            throw EventLogError.invalidAppend(reason: "an event id or stream version is already in the log")
        } catch {
            throw PostgresFailure.unavailable(error)
        }
        publish(end: end)
    }
}
