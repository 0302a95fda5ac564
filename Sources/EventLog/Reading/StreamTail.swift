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
        var buffer: [LogRecord] = []
        var index = 0

        public mutating func next() async throws -> LogRecord? {
            while index == buffer.count {
                try Task.checkCancellation()
                do {
                    if nextVersion == nil { nextVersion = try await firstVersion() }
                    // The end is known before the stream is read, so a record landing in between wakes the wait at
                    // once. Only the first comes from `durableEnd()` (a query on PostgreSQL); later ones come from
                    // the wait itself.
                    let end = if let knownEnd { knownEnd } else { try await store.durableEnd() }
                    knownEnd = end
                    let after = self.after
                    // Most wake-ups are other streams' appends: the stream's version says so without reading it.
                    let grew = try await store.streamVersion(stream) >= nextVersion!
                    buffer = grew ? try await store.readStream(stream, fromVersion: nextVersion!).filter { $0.position > after } : []
                    index = 0
                    if buffer.isEmpty {
                        knownEnd = try await store.waitForDurableEnd(after: end)
                    }
                } catch EventLogError.unavailable {
                    // A store on another server (PostgreSQL restarting): a follower waits for it, as LogTail does.
                    knownEnd = nil
                    try await Task.sleep(for: .milliseconds(200))
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
        private func firstVersion() async throws -> UInt64 {
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
