import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing

@testable import SessionAPI

/// A subscriber that stops reading never holds up the producer (the log tail): once its buffer is full the
/// producer is told to stop, the buffered events are still delivered, and the stream ends so the client can
/// resume with `Last-Event-ID`.
struct SSESlowSubscriberTests {
    /// A response body writer whose first write blocks until the test opens the gate.
    struct GatedWriter: ResponseBodyWriter {
        let gate: AsyncStream<Void>
        let shared: Shared

        mutating func write(_ buffer: ByteBuffer) async throws {
            let isFirst = shared.written.withLock { written in
                written.append(String(buffer: buffer))
                return written.count == 1
            }
            if isFirst { for await _ in gate { break } }
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
            shared.finished.withLock { $0 = true }
        }
    }

    final class Shared: Sendable {
        let written = Mutex<[String]>([])
        let finished = Mutex(false)
    }

    @Test func fullBufferStopsTheProducerNotTheWriter() async throws {
        let (gate, openGate) = AsyncStream.makeStream(of: Void.self)
        let (stopped, reportStop) = AsyncStream.makeStream(of: Int.self)
        let response = SSEResponse.make(
            initialID: 0, heartbeat: .seconds(3600), bufferSize: 4, bufferBytes: 1 << 20,
            heartbeatEvent: ("heartbeat", "{}", nil)
        ) { sink in
            for i in 1...1000 {
                guard sink.send(SSEEvent(id: UInt64(i), event: "e", data: "{}", retry: nil)) else {
                    reportStop.yield(i)
                    return
                }
            }
            reportStop.yield(1001)
        }
        let shared = Shared()
        async let delivered: Void = response.body.write(
            GatedWriter(gate: gate, shared: shared))
        // The producer gives up while the subscriber is still stuck on its first write.
        var stoppedAt = 0
        for await value in stopped {
            stoppedAt = value
            break
        }
        #expect(stoppedAt > 1 && stoppedAt <= 6)
        #expect(shared.written.withLock { $0.count } <= 1)
        openGate.yield()
        openGate.finish()
        try await delivered
        // Every event queued before the drop arrives, in order; then the stream ends.
        let ids = shared.written.withLock { $0 }.compactMap { frame in
            frame.split(separator: "\n").first.flatMap { Int($0.dropFirst("id: ".count)) }
        }
        #expect(ids == Array(1..<stoppedAt))
        #expect(shared.finished.withLock { $0 })
    }

    /// A record that maps to several events (a Mix assistant message: one `tool_execution_start` per call, then
    /// `complete`, all with the record's position as id) is queued whole or not at all: a client resuming after
    /// that id must not have missed the rest of them.
    @Test func aRecordsEventsAreDeliveredWholeOrNotAtAll() async throws {
        let (gate, openGate) = AsyncStream.makeStream(of: Void.self)
        let (stopped, reportStop) = AsyncStream.makeStream(of: Int.self)
        let response = SSEResponse.make(
            initialID: 0, heartbeat: .seconds(3600), bufferSize: 4, bufferBytes: 1 << 20,
            heartbeatEvent: ("heartbeat", "{}", nil)
        ) { sink in
            for record in 1...1000 {
                let events = (1...3).map { SSEEvent(id: UInt64(record), event: "e\($0)", data: "{}", retry: nil) }
                guard sink.send(events) else {
                    reportStop.yield(record)
                    return
                }
            }
        }
        let shared = Shared()
        async let written: Void = response.body.write(GatedWriter(gate: gate, shared: shared))
        var stoppedAt = 0
        for await value in stopped {
            stoppedAt = value
            break
        }
        openGate.yield()
        openGate.finish()
        try await written
        let frames = shared.written.withLock { $0 }.joined().split(separator: "\n\n").map { frame in
            frame.split(separator: "\n").map(String.init)
        }
        let delivered = frames.map { $0[0] + " " + $0[1] }
        let expected = (1..<stoppedAt).flatMap { record in (1...3).map { "id: \(record) event: e\($0)" } }
        #expect(stoppedAt > 1 && delivered == expected)
    }

    /// Few but large events fill the buffer by their bytes: a subscriber that stopped reading holds at most the
    /// byte budget, not the event count times the largest event.
    @Test func aByteBudgetBoundsWhatWaitsWhateverTheEventCount() async throws {
        let (gate, openGate) = AsyncStream.makeStream(of: Void.self)
        let (stopped, reportStop) = AsyncStream.makeStream(of: Int.self)
        let data = String(repeating: "x", count: 1000)
        let response = SSEResponse.make(
            initialID: 0, heartbeat: .seconds(3600), bufferSize: 1000, bufferBytes: 8 << 10,
            heartbeatEvent: ("heartbeat", "{}", nil)
        ) { sink in
            for i in 1...1000 {
                guard sink.send(SSEEvent(id: UInt64(i), event: "e", data: data, retry: nil)) else {
                    reportStop.yield(i)
                    return
                }
            }
            reportStop.yield(1001)
        }
        let shared = Shared()
        async let written: Void = response.body.write(GatedWriter(gate: gate, shared: shared))
        var stoppedAt = 0
        for await value in stopped {
            stoppedAt = value
            break
        }
        // 8 KiB of ≈ 1 KiB events, plus the one the writer is stuck on.
        #expect(stoppedAt >= 8 && stoppedAt <= 10, "stopped at \(stoppedAt)")
        openGate.yield()
        openGate.finish()
        try await written
        #expect(shared.written.withLock { $0.count } == stoppedAt - 1)
    }
}
