import EventLog
import Synchronization

/// A log whose calls fail as a store on another server's do while `down` is set, whose durable end takes 5 s and
/// then fails while `stalls` is set (as a PostgreSQL log's does once its pool gives up waiting for a connection),
/// and whose appends are answered without the stored records (as the `LogStore` contract allows) while
/// `withholdsRecords` is set; it counts the stream reads it is asked for (a writer's refolds).
public final class OutageLogStore: LogStore {
    public let base: any LogStore
    public let down = Mutex(false)
    public let stalls = Mutex(false)
    public let withholdsRecords = Mutex(false)
    public let streamReads = Mutex(0)

    public init(_ base: any LogStore) { self.base = base }

    private func check() throws {
        if down.withLock({ $0 }) { throw EventLogError.unavailable(reason: "the test took the store down") }
    }

    public func append(_ records: [ProposedRecord], to stream: String, expectedVersion: ExpectedVersion) async throws
        -> AppendResult
    {
        try check()
        var appended = try await base.append(records, to: stream, expectedVersion: expectedVersion)
        if withholdsRecords.withLock({ $0 }) { appended.records = [] }
        return appended
    }

    public func read(from position: LogPosition, limit: Int) async throws -> [LogRecord] {
        try check()
        return try await base.read(from: position, limit: limit)
    }

    public func readStream(_ stream: String, fromVersion version: UInt64) async throws -> [LogRecord] {
        streamReads.withLock { $0 += 1 }
        try check()
        return try await base.readStream(stream, fromVersion: version)
    }

    public func streamVersion(_ stream: String) async throws -> UInt64 {
        try check()
        return try await base.streamVersion(stream)
    }

    public func durableEnd() async throws -> LogPosition {
        if stalls.withLock({ $0 }) {
            try await Task.sleep(for: .seconds(5))
            throw EventLogError.unavailable(reason: "the test stalled the store")
        }
        try check()
        return try await base.durableEnd()
    }

    public func waitForDurableEnd(after position: LogPosition) async throws -> LogPosition {
        try await base.waitForDurableEnd(after: position)
    }

    public func compact(purging: Set<String>, rewriting rewrite: @escaping @Sendable (LogRecord) -> LogRecord?) async throws
        -> CompactionReport
    {
        try await base.compact(purging: purging, rewriting: rewrite)
    }

    public func appendMoved(_ records: [LogRecord]) async throws { try await base.appendMoved(records) }
    public func storedDictionaries() async throws -> [StoredDictionary] { try await base.storedDictionaries() }
    public func importDictionaries(_ dictionaries: [StoredDictionary]) async throws { try await base.importDictionaries(dictionaries) }
    public func close() async { await base.close() }
    public var statistics: LogStatistics { base.statistics }
    public var summary: String { base.summary }
}
