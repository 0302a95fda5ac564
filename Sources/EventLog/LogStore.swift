/// The log's contract: what every store of the log (segment files, PostgreSQL) offers,
/// and all that Sessions, Projections and the HTTP layer may rely on.
///
/// Guarantees every store keeps:
/// - positions are dense from 1 and in commit order; a reader never sees a position
///   whose predecessors are not all readable;
/// - an append returns only once its records are durable (unless the store was opened
///   with relaxed durability), and a failed append appended nothing;
/// - appends to one stream are checked against the caller's ``ExpectedVersion``;
/// - an event id is appended at most once: a retry returns the original positions.
public protocol LogStore: Sendable {
    /// Appends records to one stream as one atomic unit.
    ///
    /// - Parameters:
    ///   - records: at least one record, in stream order.
    ///   - stream: the stream (session) id.
    ///   - expectedVersion: what the caller believes the stream's version to be.
    /// - Returns: positions and the new stream version; `deduplicated` when every event id
    ///   was already present (nothing appended).
    /// - Throws: ``EventLogError/wrongExpectedVersion(stream:expected:actual:)``,
    ///   ``EventLogError/idempotencyConflict(eventID:reason:)``, or an I/O error, in which
    ///   case nothing was appended.
    func append(_ records: [ProposedRecord], to stream: String, expectedVersion: ExpectedVersion) async throws
        -> AppendResult

    /// Appends to several streams at once: each entry is checked, appended atomically and answered on its own, as
    /// ``append(_:to:expectedVersion:)`` would (one entry's failure fails only it; entries for the same stream apply in
    /// order). Returns, once every appended entry is durable, one result per entry in order. A store may reserve them
    /// together and wake the caller once; the default appends them concurrently.
    func append(batch appends: [StreamAppend]) async -> [Result<AppendResult, any Error>]

    /// Up to `limit` records from `position` on (inclusive), in position order; fewer (or none)
    /// at the durable end.
    func read(from position: LogPosition, limit: Int) async throws -> [LogRecord]

    /// A stream's records from `version` on (inclusive), in order.
    func readStream(_ stream: String, fromVersion version: UInt64) async throws -> [LogRecord]

    /// A stream's current version: 0 when it has no records.
    func streamVersion(_ stream: String) async throws -> UInt64

    /// Whether `stream` has reached `version`, given that it had not when the log ended at `checked` and that the
    /// log now ends at least at `end`: what every stream tail asks on every wake-up. The default asks
    /// ``streamVersion(_:)``; a store where that is a query may answer from records it reads anyway.
    func stream(_ stream: String, reached version: UInt64, after checked: LogPosition, through end: LogPosition)
        async throws -> Bool

    /// The position of the last durable record (0 for an empty log).
    func durableEnd() async throws -> LogPosition

    /// Suspends until the durable end passes `position`, then returns it. Throws
    /// `CancellationError` when the task is cancelled, ``EventLogError/closed`` on close.
    func waitForDurableEnd(after position: LogPosition) async throws -> LogPosition

    /// Rewrites history in place: each record `rewrite` returns a replacement for (same position,
    /// stream, version, time and event id) is replaced durably, and no copy of the old bytes stays
    /// in the store. Used to erase permanently deleted sessions.
    ///
    /// - Parameter purging: Streams no copy of whose bytes may stay, whether or not `rewrite` still replaces a
    ///   record of theirs: a compaction that died after rewriting them but before retiring the dictionaries
    ///   trained on them left nothing to rewrite, and the next one must still retire those.
    func compact(purging: Set<String>, rewriting rewrite: @escaping @Sendable (LogRecord) -> LogRecord?) async throws
        -> CompactionReport

    /// Appends records moved from another log as they are — positions, stream versions, times and event ids already
    /// assigned — at the log's end, and returns once they are durable. For moving a log (`sessiond log copy`).
    /// - Throws: ``EventLogError/invalidAppend(reason:)`` when they do not continue the log exactly (see
    ///   ``MovedRecords``) or an event id is already in it; nothing is appended then.
    func appendMoved(_ records: [LogRecord]) async throws

    /// Every zstd dictionary a frame of the log may name, by ascending id, for moving the log to another store.
    func storedDictionaries() async throws -> [StoredDictionary]

    /// Installs `dictionaries` under their own ids into an empty log (before any append); the last one becomes the
    /// one new frames use. For moving a log: its records then decode and compress with the same dictionaries.
    /// - Throws: ``EventLogError/notEmpty(reason:)`` when the log holds a record or a dictionary.
    func importDictionaries(_ dictionaries: [StoredDictionary]) async throws

    /// Finishes in-flight appends, stops accepting new ones and releases the store.
    func close() async

    /// What the store has done since it was opened (appends, frames, syncs, frame sizes).
    var statistics: LogStatistics { get }

    /// One line for an operator: which store this is, where, and what opening it found.
    var summary: String { get }
}

extension LogStore {
    /// ``compact(purging:rewriting:)`` purging only the streams `rewrite` replaces a record of.
    public func compact(rewriting rewrite: @escaping @Sendable (LogRecord) -> LogRecord?) async throws
        -> CompactionReport
    {
        try await compact(purging: [], rewriting: rewrite)
    }

    public func stream(_ stream: String, reached version: UInt64, after checked: LogPosition, through end: LogPosition)
        async throws -> Bool
    {
        try await streamVersion(stream) >= version
    }

    public func append(batch appends: [StreamAppend]) async -> [Result<AppendResult, any Error>] {
        await withTaskGroup(of: [(Int, Result<AppendResult, any Error>)].self) { group in
            // Entries for the same stream go one after another, in order; different streams concurrently.
            var byStream: [String: [Int]] = [:]
            for (index, append) in appends.enumerated() { byStream[append.stream, default: []].append(index) }
            for indices in byStream.values {
                group.addTask {
                    var answered: [(Int, Result<AppendResult, any Error>)] = []
                    for index in indices {
                        let append = appends[index]
                        do {
                            let result = try await self.append(
                                append.records, to: append.stream, expectedVersion: append.expectedVersion)
                            answered.append((index, .success(result)))
                        } catch {
                            answered.append((index, .failure(error)))
                        }
                    }
                    return answered
                }
            }
            var results = [Result<AppendResult, any Error>?](repeating: nil, count: appends.count)
            for await answered in group {
                for (index, result) in answered { results[index] = result }
            }
            return results.map { $0! }
        }
    }

    /// Every record from `position` on: first the ones already durable, then each new one
    /// as it lands. Ends only when the iterating task is cancelled or the log closes.
    public func tail(from position: LogPosition, batchSize: Int = 1024) -> LogTail {
        LogTail(store: self, start: position, batchSize: batchSize)
    }
}

/// A zstd dictionary as a log stores it: its id (what frames name) and the dictionary's bytes.
public struct StoredDictionary: Sendable, Equatable {
    public let id: UInt32
    public let bytes: [UInt8]

    public init(id: UInt32, bytes: [UInt8]) {
        self.id = id
        self.bytes = bytes
    }
}
