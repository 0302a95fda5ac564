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

    /// What a stream did for a subscriber stuck on its first write while the producer sent records 1…1000
    /// (`events(n)` each): the record the producer was told to stop at (1001: never), how many writes had been made
    /// by then, and every frame written once the subscriber read again.
    struct StuckRun {
        var stoppedAt: Int
        var writtenWhileStuck: Int
        var writes: [String]
        var finished: Bool

        /// Every frame written, split into its lines.
        var frames: [[String]] {
            writes.joined().split(separator: "\n\n").map { $0.split(separator: "\n").map(String.init) }
        }
    }

    static func stuckSubscriber(
        bufferSize: Int, bufferBytes: Int = 1 << 20, events: @escaping @Sendable (Int) -> [SSEEvent]
    ) async throws -> StuckRun {
        let (gate, openGate) = AsyncStream.makeStream(of: Void.self)
        let (stopped, reportStop) = AsyncStream.makeStream(of: Int.self)
        let response = SSEResponse.make(
            initialID: 0, heartbeat: .seconds(3600), bufferSize: bufferSize, bufferBytes: bufferBytes,
            heartbeatEvent: ("heartbeat", "{}", nil), stillAllowed: nil
        ) { sink in
            for record in 1...1000 {
                guard sink.send(events(record)) else {
                    reportStop.yield(record)
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
        let whileStuck = shared.written.withLock { $0.count }
        openGate.yield()
        openGate.finish()
        try await written
        return StuckRun(
            stoppedAt: stoppedAt, writtenWhileStuck: whileStuck, writes: shared.written.withLock { $0 },
            finished: shared.finished.withLock { $0 })
    }

    @Test func fullBufferStopsTheProducerNotTheWriter() async throws {
        let run = try await Self.stuckSubscriber(bufferSize: 4) { [SSEEvent(id: UInt64($0), event: "e", data: "{}", retry: nil)] }
        // The producer gives up while the subscriber is still stuck on its first write.
        #expect(run.stoppedAt > 1 && run.stoppedAt <= 6)
        #expect(run.writtenWhileStuck <= 1)
        // Every event queued before the drop arrives, in order; then the stream ends.
        #expect(run.frames.map { $0[0] } == (1..<run.stoppedAt).map { "id: \($0)" })
        #expect(run.finished)
    }

    /// A record that maps to several events (a Mix assistant message: one `tool_execution_start` per call, then
    /// `complete`, all with the record's position as id) is queued whole or not at all: a client resuming after
    /// that id must not have missed the rest of them.
    @Test func aRecordsEventsAreDeliveredWholeOrNotAtAll() async throws {
        let run = try await Self.stuckSubscriber(bufferSize: 4) { record in
            (1...3).map { SSEEvent(id: UInt64(record), event: "e\($0)", data: "{}", retry: nil) }
        }
        let expected = (1..<run.stoppedAt).flatMap { record in (1...3).map { "id: \(record) event: e\($0)" } }
        #expect(run.stoppedAt > 1 && run.frames.map { $0[0] + " " + $0[1] } == expected)
    }

    /// Few but large events fill the buffer by their bytes: a subscriber that stopped reading holds at most the
    /// byte budget, not the event count times the largest event.
    @Test func aByteBudgetBoundsWhatWaitsWhateverTheEventCount() async throws {
        let data = String(repeating: "x", count: 1000)
        let run = try await Self.stuckSubscriber(bufferSize: 1000, bufferBytes: 8 << 10) {
            [SSEEvent(id: UInt64($0), event: "e", data: data, retry: nil)]
        }
        // 8 KiB of ≈ 1 KiB events, plus the one the writer is stuck on.
        #expect(run.stoppedAt >= 8 && run.stoppedAt <= 10, "stopped at \(run.stoppedAt)")
        #expect(run.frames.count == run.stoppedAt - 1)
    }
}
