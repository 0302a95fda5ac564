import EventLog
import PostgresNIO

extension PostgresLogStore {
    /// Writes the moved records in one transaction holding the head, after checking they continue the log.
    public func appendMoved(_ records: [LogRecord]) async throws {
        if let refusal = readOnlyRefusal(of: "append") { throw refusal }
        guard !records.isEmpty else { return }
        let end: UInt64
        do {
            end = try await withLease(
                client, timeout: configuration.connectionTimeout, deadline: configuration.transactionDeadline
            ) { connection in
                try await self.transaction(on: connection) { connection in
                    let keys = AppendKeys(streams: Array(Set(records.map(\.stream))), eventIDs: [])
                    let facts = try await self.appendStatement(nil, keys, on: connection)
                    if let reason = MovedRecords.discontinuity(
                        records, end: facts.head.end, lastRecordedAt: facts.head.lastRecordedAt,
                        version: { facts.versions[$0] ?? 0 })
                    {
                        throw EventLogError.invalidAppend(reason: reason)
                    }
                    guard try await self.append(records, after: facts, keys, on: connection).answer.appended else {
                        throw EventLogError.failed(reason: "the log head moved while this transaction held it")
                    }
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
