/// A catch-up-then-live read of one stream; see ``LogStore/tail(stream:after:)``. Reads that fail because the
/// store is unavailable are retried every 200 ms.
public struct StreamTail: AsyncSequence, Sendable {
    public typealias Element = LogRecord

    let store: any LogStore
    let stream: String
    let after: LogPosition

    public struct AsyncIterator: AsyncIteratorProtocol {
        let store: any LogStore
        let stream: String
        var after: LogPosition
        var nextVersion: UInt64?
        var knownEnd: LogPosition?
        /// The end through which every record of the stream has been read.
        var checked: LogPosition?
        var buffer: [LogRecord] = []
        var index = 0

        public mutating func next() async throws -> LogRecord? {
            while index == buffer.count {
                try Task.checkCancellation()
                let (store, stream, after) = (store, stream, after)
                let (from, known, looked) = (nextVersion, knownEnd, checked)
                // The end is known before the stream is read, so a record landing in between wakes the wait at
                // once. Only the first comes from `durableEnd()` (a query on PostgreSQL); later ones come from the
                // wait itself. During an outage each step is retried, as LogTail does.
                let (version, end, records) = try await EventLogError.retryingWhileUnavailable(every: .milliseconds(200)) {
                    let version = if let from { from } else { try await Self.firstVersion(of: stream, after: after, in: store) }
                    let end = if let known { known } else { try await store.durableEnd() }
                    // Most wake-ups are other streams' appends: the stream's version says so without reading it,
                    // and so do the records landed since the last look, which a store may share among subscribers.
                    let grew: Bool
                    if let looked {
                        // Everything of the stream through `looked` was read: nothing to ask until the log grows.
                        grew = try await looked < end
                            ? store.stream(stream, reached: version, after: looked, through: end) : false
                    } else {
                        grew = try await store.streamVersion(stream) >= version
                    }
                    let records = grew ? try await store.readStream(stream, fromVersion: version).filter { $0.position > after } : []
                    return (version, end, records)
                }
                nextVersion = version
                buffer = records
                index = 0
                knownEnd = end
                // Never back: a read can pass `end` (it returns what landed since), and what it passed is read.
                checked = Swift.max(looked ?? end, end, records.last?.position ?? end)
                if buffer.isEmpty {
                    knownEnd = try await store.waitForDurableEnd(after: end)
                }
            }
            let record = buffer[index]
            index += 1
            nextVersion = record.streamVersion + 1
            after = record.position
            return record
        }

        /// The stream's first version past `after`, found by reading back from the stream's end in doubling
        /// windows, so resuming near the end of a long stream reads only its last few records.
        private static func firstVersion(of stream: String, after: LogPosition, in store: any LogStore) async throws -> UInt64 {
            let version = try await store.streamVersion(stream)
            var window: UInt64 = 16
            while true {
                let from = version > window ? version - window + 1 : 1
                let records = try await store.readStream(stream, fromVersion: from)
                if from == 1 || (records.first.map { $0.position <= after } ?? true) {
                    return records.first { $0.position > after }?.streamVersion ?? version + 1
                }
                window *= 2
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(store: store, stream: stream, after: after)
    }
}

extension LogStore {
    /// Every record of `stream` after `position`: first the ones already durable, then each new one as it
    /// lands. Reads only that stream's records; ends when the iterating task is cancelled or the log closes.
    public func tail(stream: String, after position: LogPosition) -> StreamTail {
        StreamTail(store: self, stream: stream, after: position)
    }
}
