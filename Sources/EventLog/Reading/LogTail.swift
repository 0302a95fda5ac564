/// A catch-up-then-live read of the log; see ``LogStore/tail(from:batchSize:)``. Reads that fail because the store
/// is unavailable are retried every 200 ms.
public struct LogTail: AsyncSequence, Sendable {
    public typealias Element = LogRecord

    let store: any LogStore
    let start: LogPosition
    let batchSize: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let store: any LogStore
        let batchSize: Int
        var nextPosition: LogPosition
        var buffer: [LogRecord] = []
        var index = 0

        public mutating func next() async throws -> LogRecord? {
            while index == buffer.count {
                try Task.checkCancellation()
                let (store, position, limit) = (store, nextPosition, batchSize)
                buffer = try await EventLogError.retryingWhileUnavailable(every: .milliseconds(200)) {
                    try await store.read(from: position, limit: limit)
                }
                index = 0
                if buffer.isEmpty {
                    _ = try await store.waitForDurableEnd(after: LogPosition(nextPosition.rawValue - 1))
                }
            }
            let record = buffer[index]
            index += 1
            nextPosition = record.position.next
            return record
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(store: store, batchSize: batchSize, nextPosition: Swift.max(start, LogPosition(1)))
    }
}
