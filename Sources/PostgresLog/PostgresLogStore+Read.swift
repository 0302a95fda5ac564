import EventLog
import Logging
import NIOCore
import PostgresNIO

extension PostgresLogStore {
    public func read(from position: LogPosition, limit: Int) async throws -> [LogRecord] {
        guard limit > 0 else { return [] }
        let start = max(position.rawValue, 1)
        let knownEnd = state.withLock { $0.knownEnd }
        // Clamped: a client may name any position; none past `bigint` exists.
        let first = Int64(clamping: start)
        let (sum, overflow) = first.addingReportingOverflow(Int64(limit))
        let past = overflow ? Int64.max : sum
        var records = try await sharedReads.read(.init(start: start, limit: limit), knownEnd: knownEnd) {
            try await self.frames(
                """
                SELECT first_position, bytes FROM sessiond.frame
                WHERE last_position >= \(first) AND first_position < \(past)
                ORDER BY first_position
                """)
        }
        // What was read is committed: knowing it keeps a later shared read from answering with less.
        if let last = records.last { publish(end: last.position.rawValue) }
        records.removeFirst(records.prefix { $0.position.rawValue < start }.count)
        if records.count > limit { records.removeLast(records.count - limit) }
        return records
    }

    public func readStream(_ stream: String, fromVersion version: UInt64) async throws -> [LogRecord] {
        let from = max(version, 1)
        return try await frames(
            """
            SELECT first_position, bytes FROM sessiond.frame WHERE first_position IN (
                SELECT frame_position FROM sessiond.record
                WHERE stream = \(stream) AND stream_version >= \(Int64(clamping: from)))
            ORDER BY first_position
            """
        ).filter { $0.stream == stream && $0.streamVersion >= from }
    }

    public func streamVersion(_ stream: String) async throws -> UInt64 {
        try await leasedRead { connection in
            var version: Int64 = 0
            for try await found in try await connection.query(
                "SELECT coalesce(max(stream_version), 0) FROM sessiond.record WHERE stream = \(stream)", logger: self.logger
            ).decode(Int64.self) {
                version = found
            }
            return UInt64(version)
        }
    }

    /// From the records landed since `checked` when they are few: every subscriber woken by the same frame asks for
    /// the same ones, so that is one shared read (``SharedReads``) instead of a version query per subscriber.
    public func stream(_ stream: String, reached version: UInt64, after checked: LogPosition, through end: LogPosition)
        async throws -> Bool
    {
        let landed = end.rawValue - min(checked.rawValue, end.rawValue)
        guard landed <= Self.sharedCheckRecords else { return try await streamVersion(stream) >= version }
        let records = try await read(from: LogPosition(checked.rawValue + 1), limit: Int(landed))
        return records.contains { $0.stream == stream && $0.streamVersion >= version }
    }

    /// Up to this many records landed since a stream tail last looked are read to see whether its stream grew.
    static let sharedCheckRecords: UInt64 = 1024

    /// The end position committed in PostgreSQL now (which also wakes this node's waiters, if it is news).
    public func durableEnd() async throws -> LogPosition {
        let end = try await fetchEnd()
        publish(end: end)
        return LogPosition(end)
    }

    func fetchEnd() async throws -> UInt64 {
        try await leasedRead { connection in try await Self.readEnd(on: connection, logger: self.logger) }
    }

    /// Runs a read on a leased connection, watched like an append, so a read on a connection PostgreSQL dropped
    /// answers "unavailable" instead of hanging (decision 0065).
    func leasedRead<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        state.withLock { $0.readQueries += 1 }
        return try await leased(deadline: configuration.transactionDeadline, body)
    }

    /// Runs `body` on a pooled connection (waiting for one at most the connection timeout) until it finishes or
    /// `deadline` passes; any failure to reach the server is ``EventLog/EventLogError/unavailable(reason:)``.
    func leased<T: Sendable>(deadline: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        do {
            return try await withLease(client, timeout: configuration.connectionTimeout, deadline: deadline, body)
        } catch {
            throw PostgresFailure.unavailable(error)
        }
    }

    /// Runs a query for `(first_position, bytes)` rows and decodes every frame, verifying each.
    private func frames(_ query: PostgresQuery) async throws -> [LogRecord] {
        do {
            return try await framesOnce(query)
        } catch EventLogError.missingDictionary {
            // A compaction retired the dictionary between the query and the decoding. It had rewritten every frame
            // that used it before it committed, so the same query now returns them compressed anew.
            return try await framesOnce(query)
        }
    }

    private func framesOnce(_ query: PostgresQuery) async throws -> [LogRecord] {
        let stored = try await leasedRead { connection in
            var rows: [(Int64, ByteBuffer)] = []
            for try await row in try await connection.query(query, logger: self.logger).decode((Int64, ByteBuffer).self) {
                rows.append(row)
            }
            return rows
        }
        var records: [LogRecord] = []
        for (position, bytes) in stored {
            records += try await decode(Array(bytes.readableBytesView), storedAt: UInt64(position))
        }
        return records
    }

    /// Verifies and decodes one stored frame, fetching its dictionary first if this node has not seen it.
    private func decode(_ bytes: [UInt8], storedAt position: UInt64) async throws -> [LogRecord] {
        let source = "PostgreSQL frame at position \(position)"
        let frame = try SealedFrame(verifying: bytes, source: source)
        guard frame.firstPosition.rawValue == position else {
            throw EventLogError.corruption(
                file: source, offset: 0, reason: "the frame's header says position \(frame.firstPosition)")
        }
        if frame.dictionaryID != 0, !dictionaries.contains(id: frame.dictionaryID) {
            try await loadDictionary(frame.dictionaryID)
        }
        return try frame.records(dictionaries: dictionaries, source: source)
    }

    /// Installs dictionary `id` (trained by another node, or after this one opened) from the table.
    private func loadDictionary(_ id: UInt32) async throws {
        let found = try await leasedRead { connection in
            var found: ByteBuffer?
            for try await bytes in try await connection.query(
                "SELECT bytes FROM sessiond.dictionary WHERE id = \(Int32(id))", logger: self.logger
            ).decode(ByteBuffer.self) {
                found = bytes
            }
            return found
        }
        guard let found else { throw EventLogError.missingDictionary(id: id, file: "PostgreSQL table sessiond.dictionary") }
        try dictionaries.install(id: id, bytes: Array(found.readableBytesView), activate: false)
    }
}
