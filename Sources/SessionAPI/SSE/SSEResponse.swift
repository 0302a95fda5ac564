import Hummingbird
import Logging
import NIOCore
import Projections
import ServiceLifecycle
import Synchronization

/// Builds a `text/event-stream` response fed by a producer, with heartbeats, a bounded buffer and graceful
/// shutdown.
///
/// The producer runs in a child task of the response body and yields into a bounded `AsyncStream`; when the
/// buffer is full — in events or in bytes — the stream ends (the producer never waits on a slow subscriber) and the
/// client resumes with `Last-Event-ID`. The stream also ends when the client disconnects or the server shuts down gracefully.
enum SSEResponse {
    /// What a producer hands events to.
    struct Sink: Sendable {
        fileprivate let continuation: AsyncStream<Item>.Continuation
        fileprivate let queued: QueuedBytes

        /// Queues an event; returns `false` once the subscriber fell too far behind (stop producing).
        @discardableResult
        func send(_ event: SSEEvent) -> Bool { send([event]) }

        /// Queues the events of one log record (they share its position as their id) as a whole: in one buffer
        /// slot and one write, so a subscriber that falls behind never gets the first of them without the rest,
        /// which a resume after that id would skip. Returns `false` as ``send(_:)-(SSEEvent)`` does.
        @discardableResult
        func send(_ events: [SSEEvent]) -> Bool {
            guard !events.isEmpty else { return true }
            let bytes = events.reduce(0) { $0 + $1.byteCount }
            // One record larger than the whole budget still goes alone, once the subscriber caught up.
            guard queued.take(bytes) else {
                continuation.finish()
                return false
            }
            switch continuation.yield(.events(events, bytes: bytes)) {
            case .enqueued: return true
            case .dropped, .terminated: continuation.finish(); return false
            @unknown default: return false
            }
        }
    }

    /// The bytes of events queued for the subscriber and not yet written, against the budget.
    fileprivate final class QueuedBytes: Sendable {
        let limit: Int
        private let count = Atomic(0)

        init(limit: Int) { self.limit = limit }

        /// Counts `bytes` more; `false` (and nothing counted) when that passes the limit with anything queued.
        func take(_ bytes: Int) -> Bool {
            let after = count.add(bytes, ordering: .relaxed).newValue
            guard after > limit, after != bytes else { return true }
            count.subtract(bytes, ordering: .relaxed)
            return false
        }

        func written(_ bytes: Int) { count.subtract(bytes, ordering: .relaxed) }
    }

    /// How often a stream checks that its request is still allowed (a revoked key ends it within this).
    static let accessCheckInterval: Duration = .seconds(1)

    fileprivate enum Item: Sendable {
        case events([SSEEvent], bytes: Int)
        case heartbeat
    }

    /// The response.
    /// - Parameters:
    ///   - initialID: The id heartbeats carry until the first event is sent.
    ///   - heartbeat: The heartbeat interval.
    ///   - bufferSize: How many events (of one record each) may wait for the subscriber.
    ///   - bufferBytes: How many bytes of events may wait for it.
    ///   - heartbeatEvent: The heartbeat's event name and data.
    ///   - stillAllowed: Checked every ``accessCheckInterval``: once it is `false` (the request's API key was
    ///     revoked) the stream ends, and the client's resume is refused.
    ///   - produce: Sends events until done or cancelled.
    static func make(
        initialID: UInt64,
        heartbeat: Duration,
        bufferSize: Int,
        bufferBytes: Int,
        heartbeatEvent: (name: String, data: String, retry: Int?),
        stillAllowed: (@Sendable () -> Bool)?,
        produce: @escaping @Sendable (Sink) async throws -> Void
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.connection] = "keep-alive"
        let body = ResponseBody { writer in
            let (stream, continuation) = AsyncStream.makeStream(
                of: Item.self, bufferingPolicy: .bufferingOldest(bufferSize))
            let queued = QueuedBytes(limit: bufferBytes)
            // Set on graceful shutdown: what is still buffered is dropped, not written (the client resumes from
            // the last id it got), so a slow subscriber does not hold up the server's drain. A write blocked on a
            // subscriber that stopped reading ends when the shutdown's grace runs out (`sessiond serve`, 10 s).
            let stopping = Atomic(false)
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { continuation.finish() }
                        // A catch-up from an old position encodes record after record: off the connection's loop.
                        try await offTheLoop { try await produce(Sink(continuation: continuation, queued: queued)) }
                    }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: heartbeat)
                            continuation.yield(.heartbeat)
                        }
                    }
                    if let stillAllowed {
                        group.addTask {
                            while stillAllowed() { try await Task.sleep(for: accessCheckInterval) }
                            continuation.finish()
                        }
                    }
                    var lastID = initialID
                    for await item in stream {
                        if stopping.load(ordering: .relaxed) { break }
                        switch item {
                        case .events(let events, let bytes):
                            lastID = events[events.count - 1].id
                            var frames = ByteBuffer()
                            for event in events { frames.writeImmutableBuffer(event.frame) }
                            try await writer.write(frames)
                            queued.written(bytes)
                        case .heartbeat:
                            let event = SSEEvent(
                                id: lastID, event: heartbeatEvent.name, data: heartbeatEvent.data,
                                retry: heartbeatEvent.retry)
                            try await writer.write(event.frame)
                        }
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                stopping.store(true, ordering: .relaxed)
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
